"""newsmine: mine Chinese newspaper text.

Library use, without the CLI:

    from newsmine.split import split_page
    articles = split_page(open("page.txt", encoding="utf-8").read(), source="page.txt")
"""

__version__ = "0.1.0"
