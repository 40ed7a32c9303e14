"""Page text -> article records. (Placeholder: being written.)"""


def split_page(text: str, source: str = "-") -> list[dict]:
    raise NotImplementedError
