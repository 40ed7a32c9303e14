// newsmine report: draws the page from the embedded index (#nm-index) and unpacks each issue's
// articles (gzip + base64 blocks #nm-chunk-N) only when the issue is opened.
"use strict";
(function () {
  const ISSUES_PER_PAGE = 50;
  const SERIES_PER_PAGE = 50;
  const MAX_TITLE_HITS = 200;
  const SVG = "http://www.w3.org/2000/svg";
  const TIP_FIELDS = [
    ["indicator", "indicator"], ["subject", "subject"], ["period", "period"], ["change", "change"],
    ["basis", "basis"], ["kind", "kind"], ["metric", "metric"], ["approx", "approx"], ["modality", "modality"],
  ];
  const index = JSON.parse(document.getElementById("nm-index").textContent);
  const issues = index.issues.slice().reverse(); // newest first
  const issueByDate = new Map(issues.map((issue) => [issue.date, issue]));
  const numbers = new Intl.NumberFormat("en", { maximumFractionDigits: 6 });
  const state = { issuePage: 0, seriesPage: 0, seriesFilter: "", query: "" };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  function formatNumber(value) {
    return value === null || value === undefined ? "" : numbers.format(value);
  }

  // ------------------------------------------------------------------ page frame

  const views = {
    articles: el("section", { id: "view-articles", class: "view" }),
    series: el("section", { id: "view-series", class: "view" }),
    run: el("section", { id: "view-run", class: "view" }),
  };
  const tabs = {};
  function frame() {
    const nav = el("nav");
    const labels = {
      articles: `Articles (${index.totals.articles.toLocaleString("en")})`,
      series: `Series (${index.totals.series.toLocaleString("en")})`,
      run: "Run summary",
    };
    for (const [name, label] of Object.entries(labels)) {
      tabs[name] = el("a", { href: "#" + name }, label);
      nav.append(tabs[name]);
    }
    const totals = index.totals;
    const subtitle = `${totals.issues.toLocaleString("en")} issues · ${totals.articles.toLocaleString("en")} articles · ` +
      `${totals.figures.toLocaleString("en")} figures · ${totals.facts.toLocaleString("en")} facts`;
    document.body.prepend(
      el("header", {}, el("h1", {}, index.title), el("p", { class: "totals" }, subtitle), nav),
      el("main", {}, views.articles, views.series, views.run),
      el("div", { id: "tip", role: "tooltip", hidden: "" }),
    );
  }

  function show(name) {
    for (const [key, view] of Object.entries(views)) view.hidden = key !== name;
    for (const [key, tab] of Object.entries(tabs)) tab.classList.toggle("active", key === name);
  }

  // ------------------------------------------------------------------ articles

  async function inflate(base64) {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  async function loadIssue(issue) {
    if (!issue.loaded) {
      const blocks = issue.chunks.map((id) => inflate(document.getElementById("nm-chunk-" + id).textContent));
      issue.loaded = (await Promise.all(blocks)).flat();
    }
    return issue.loaded;
  }

  const sidebar = el("aside");
  const issueView = el("div", { class: "issue" });

  function articlesView() {
    const search = el("input", { type: "search", placeholder: "Search titles", "aria-label": "Search titles" });
    search.value = state.query;
    search.addEventListener("input", () => {
      state.query = search.value.trim();
      drawSidebar();
    });
    views.articles.append(el("div", { class: "columns" }, el("div", { class: "side" }, search, sidebar), issueView));
    drawSidebar();
  }

  function drawSidebar() {
    sidebar.replaceChildren(state.query ? titleHits(state.query) : issueList());
  }

  function issueList() {
    const pages = Math.max(1, Math.ceil(issues.length / ISSUES_PER_PAGE));
    state.issuePage = Math.min(state.issuePage, pages - 1);
    const first = state.issuePage * ISSUES_PER_PAGE;
    const list = el("ol", { class: "issues" });
    for (const issue of issues.slice(first, first + ISSUES_PER_PAGE)) {
      list.append(el("li", {}, el("a", { href: issueHref(issue.date), "data-date": issue.date }, issue.date),
        el("span", { class: "count" }, ` ${issue.articles.length} articles, ${issue.figures} figures`)));
    }
    return el("div", {}, list, pager(state.issuePage, pages, (page) => {
      state.issuePage = page;
      drawSidebar();
    }));
  }

  function titleHits(query) {
    const list = el("ol", { class: "hits" });
    let count = 0;
    for (const issue of issues) {
      issue.articles.forEach(([title], number) => {
        if (count < MAX_TITLE_HITS && title.includes(query)) {
          count += 1;
          list.append(el("li", {}, el("a", { href: issueHref(issue.date, number) }, `${issue.date} ${title}`)));
        }
      });
    }
    const note = count >= MAX_TITLE_HITS ? `first ${MAX_TITLE_HITS} titles` : `${count} titles`;
    return el("div", {}, el("p", { class: "count" }, note), list);
  }

  function issueHref(date, article) {
    return "#issue=" + encodeURIComponent(date) + (article === undefined ? "" : "&article=" + article);
  }

  async function openIssue(date, articleNumber) {
    const issue = issueByDate.get(date);
    if (!issue) {
      issueView.replaceChildren(el("p", { class: "empty" }, issues.length ? `No issue ${date}.` : "No articles."));
      return;
    }
    const position = issues.indexOf(issue);
    state.issuePage = Math.floor(position / ISSUES_PER_PAGE);
    if (!state.query) drawSidebar();
    for (const link of sidebar.querySelectorAll("a.current")) link.classList.remove("current");
    const link = sidebar.querySelector(`a[data-date="${CSS.escape(date)}"]`);
    if (link) link.classList.add("current");
    issueView.replaceChildren(el("p", { class: "loading" }, "Loading " + date + " …"));
    const articles = await loadIssue(issue);
    const newer = issues[position - 1], older = issues[position + 1];
    const steps = el("p", { class: "steps" },
      older ? el("a", { href: issueHref(older.date) }, "← " + older.date) : null, " ",
      newer ? el("a", { href: issueHref(newer.date) }, newer.date + " →") : null);
    issueView.replaceChildren(
      el("h2", {}, date, el("span", { class: "count" }, ` ${articles.length} articles, ${issue.figures} figures`)),
      steps, ...articles.map(articleBlock));
    if (articleNumber !== undefined) {
      const target = document.getElementById("article-" + articleNumber);
      if (target) target.scrollIntoView();
    } else {
      window.scrollTo(0, 0);
    }
  }

  function articleBlock(article, number) {
    const block = el("article", { id: "article-" + number });
    if (article.kicker) block.append(el("p", { class: "kicker" }, article.kicker));
    block.append(el("h3", {}, article.title || article.id));
    if (article.subtitle) block.append(el("p", { class: "subtitle" }, article.subtitle));
    const meta = [article.byline, article.dateline, article.kind, article.page !== undefined ? "page " + article.page : null,
      article.id].filter(Boolean).join(" · ");
    block.append(el("p", { class: "meta" }, meta));
    block.append(articleText(article));
    if (article.unplaced) {
      block.append(el("p", { class: "note" }, `${article.unplaced} figures not shown: their offsets do not point at the text`));
    }
    return block;
  }

  function articleText(article) {
    const body = el("div", { class: "text" });
    let paragraph = el("p");
    body.append(paragraph);
    const addText = (text) => {
      text.split("\n").forEach((part, line) => {
        if (line > 0) {
          paragraph = el("p");
          body.append(paragraph);
        }
        if (part) paragraph.append(part);
      });
    };
    let position = 0;
    for (const figure of article.figures) {
      addText(article.text.slice(position, figure.start));
      const mark = el("mark", { class: "fig", tabindex: "0" }, article.text.slice(figure.start, figure.end));
      mark.figure = figure;
      paragraph.append(mark);
      position = figure.end;
    }
    addText(article.text.slice(position));
    return body;
  }

  // ------------------------------------------------------------------ figure tooltips

  const tip = () => document.getElementById("tip");

  function showTip(mark) {
    const figure = mark.figure;
    const rows = [el("tr", {}, el("th", {}, "value"), el("td", {}, [figure.value, figure.unit].filter(Boolean).join(" ")))];
    for (const [name, label] of TIP_FIELDS) {
      if (figure[name] !== undefined) rows.push(el("tr", {}, el("th", {}, label), el("td", {}, String(figure[name]))));
    }
    const box = tip();
    box.replaceChildren(el("p", { class: "tip-text" }, figure.text), el("table", {}, ...rows));
    box.hidden = false;
    const place = mark.getBoundingClientRect();
    const left = Math.min(place.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8);
    box.style.left = Math.max(left, 4) + "px";
    box.style.top = place.bottom + window.scrollY + 6 + "px";
  }

  function hideTip() {
    tip().hidden = true;
  }

  function watchFigures() {
    for (const [on, off] of [["mouseover", "mouseout"], ["focusin", "focusout"]]) {
      document.addEventListener(on, (event) => {
        const mark = event.target.closest && event.target.closest("mark.fig");
        if (mark && mark.figure) showTip(mark);
      });
      document.addEventListener(off, (event) => {
        if (event.target.closest && event.target.closest("mark.fig")) hideTip();
      });
    }
  }

  // ------------------------------------------------------------------ series

  const seriesBody = el("tbody");
  const seriesPager = el("div");

  function seriesView() {
    const filter = el("input", { type: "search", placeholder: "Filter series (indicator, subject …)", "aria-label": "Filter series" });
    filter.addEventListener("input", () => {
      state.seriesFilter = filter.value.trim();
      state.seriesPage = 0;
      drawSeries();
    });
    const head = el("tr", {}, ...["series", "unit", "points", "latest", "chart"].map((name) => el("th", {}, name)));
    views.series.append(filter, el("table", { class: "series" }, el("thead", {}, head), seriesBody), seriesPager);
    if (!index.series.length) views.series.append(el("p", { class: "empty" }, "No series: the figures carry no indicator and period."));
    drawSeries();
  }

  function drawSeries() {
    const lines = index.series.filter((line) => line.label.includes(state.seriesFilter));
    const pages = Math.max(1, Math.ceil(lines.length / SERIES_PER_PAGE));
    const first = state.seriesPage * SERIES_PER_PAGE;
    seriesBody.replaceChildren(...lines.slice(first, first + SERIES_PER_PAGE).flatMap(seriesRows));
    seriesPager.replaceChildren(pager(state.seriesPage, pages, (page) => {
      state.seriesPage = page;
      drawSeries();
    }));
  }

  function pointValue(point) {
    return point.value !== null ? formatNumber(point.value) : `${formatNumber(point.low)}–${formatNumber(point.high)}`;
  }

  function seriesRows(line) {
    const last = line.points[line.points.length - 1];
    const row = el("tr", { class: "line", tabindex: "0" }, el("td", {}, line.label), el("td", {}, line.unit || ""),
      el("td", { class: "number" }, String(line.points.length)), el("td", {}, `${last.period}: ${pointValue(last)}`),
      el("td", {}, sparkline(line.points)));
    const points = el("table", { class: "points" }, el("tr", {}, ...["period", "value", "mentions", "other values"].map((name) => el("th", {}, name))),
      ...line.points.map((point) => el("tr", {}, el("td", {}, point.period), el("td", { class: "number" }, pointValue(point)),
        el("td", { class: "number" }, String(point.n)),
        el("td", {}, point.conflict.map((value) => (Array.isArray(value) ? value.map(formatNumber).join("–") : formatNumber(value))).join(", ")))));
    const detail = el("tr", { class: "detail", hidden: "" }, el("td", { colspan: "5" }, points));
    const toggle = () => { detail.hidden = !detail.hidden; };
    row.addEventListener("click", toggle);
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") toggle(); });
    return [row, detail];
  }

  function sparkline(points) {
    const width = 160, height = 36, pad = 4;
    const values = points.flatMap((point) => (point.value !== null ? [point.value] : [point.low, point.high])).filter((v) => v !== null);
    const times = points.map((point) => Date.parse(point.end));
    let low = Math.min(...values), high = Math.max(...values);
    if (low === high) { low -= 1; high += 1; }
    const start = Math.min(...times), end = Math.max(...times);
    const x = (time) => (end === start ? width / 2 : pad + ((time - start) / (end - start)) * (width - 2 * pad));
    const y = (value) => height - pad - ((value - low) / (high - low)) * (height - 2 * pad);
    const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "spark", role: "img" });
    const title = svg("title", {});
    title.textContent = points.map((point) => `${point.period}: ${pointValue(point)}`).join("\n");
    chart.append(title);
    const path = points.filter((point) => point.value !== null).map((point, i) => `${i ? "L" : "M"}${x(Date.parse(point.end)).toFixed(1)},${y(point.value).toFixed(1)}`);
    if (path.length > 1) chart.append(svg("path", { d: path.join(" "), class: "spark-line" }));
    for (const point of points) {
      const at = x(Date.parse(point.end));
      if (point.value !== null) chart.append(svg("circle", { cx: at.toFixed(1), cy: y(point.value).toFixed(1), r: 2, class: "spark-dot" }));
      else chart.append(svg("line", { x1: at, x2: at, y1: y(point.low), y2: y(point.high), class: "spark-range" }));
    }
    return chart;
  }

  // ------------------------------------------------------------------ run summary

  function runView() {
    const summary = index.summary;
    if (!summary) {
      views.run.append(el("p", { class: "empty" }, "The inputs were records, not a run folder: no run summary."));
      return;
    }
    const rows = [
      ["inputs", `${summary.inputs.toLocaleString("en")} (${summary.done.toLocaleString("en")} done, ${summary.failed.toLocaleString("en")} failed)`],
      ["input size", `${(summary.bytes / 1e6).toFixed(1)} MB`],
      ["articles", summary.articles.toLocaleString("en")],
      ["figures", summary.figures.toLocaleString("en")],
      ["issue dates", summary.first_date ? `${summary.first_date} – ${summary.last_date}` : ""],
      ["newsmine version", summary.versions.join(", ")],
      ["last input finished", summary.last_finished || ""],
    ];
    views.run.append(el("table", { class: "summary" }, ...rows.map(([name, value]) => el("tr", {}, el("th", {}, name), el("td", {}, value)))));
    views.run.append(el("h3", {}, `Errors (${summary.errors.length})`));
    if (summary.errors.length) {
      views.run.append(el("ul", { class: "errors" }, ...summary.errors.map((error) =>
        el("li", {}, `${error.source}${error.line !== null && error.line !== undefined ? ":" + error.line : ""}: ${error.reason}`))));
    }
  }

  // ------------------------------------------------------------------ shared pieces and routing

  function pager(page, pages, go) {
    if (pages <= 1) return el("span");
    const button = (label, target) => {
      const node = el("button", { type: "button", disabled: target < 0 || target >= pages ? "" : null }, label);
      node.addEventListener("click", () => go(target));
      return node;
    };
    return el("div", { class: "pager" }, button("‹ prev", page - 1), ` page ${page + 1} of ${pages} `, button("next ›", page + 1));
  }

  async function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash === "series" || hash === "run") {
      show(hash);
      return;
    }
    show("articles");
    const found = /^issue=([^&]*)(?:&article=(\d+))?$/.exec(hash);
    const date = found ? found[1] : issues.length ? issues[0].date : "";
    await openIssue(date, found && found[2] !== undefined ? Number(found[2]) : undefined);
  }

  async function start() {
    frame();
    articlesView();
    seriesView();
    runView();
    watchFigures();
    window.addEventListener("hashchange", () => route().catch(fail));
    if (typeof DecompressionStream === "undefined") {
      issueView.replaceChildren(el("p", { class: "empty" }, "This browser cannot unpack the articles (no DecompressionStream): use a current browser."));
    } else {
      await route();
    }
    document.documentElement.dataset.ready = "true";
    document.documentElement.dataset.loadMs = String(Math.round(performance.now()));
  }

  function fail(error) {
    issueView.replaceChildren(el("p", { class: "error" }, "Could not show this page: " + error));
    console.error(error);
  }

  start().catch(fail);
})();
