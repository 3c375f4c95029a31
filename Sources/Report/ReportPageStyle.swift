/// The report page's inline style sheet and script. No external resources: the page works offline and from
/// a `file://` URL, and its Content-Security-Policy forbids loading anything.
enum ReportPageStyle {
  static let css = """
    :root {
      color-scheme: light dark;
      --bg: #f7f8fa; --fg: #1c2230; --muted: #5f6b7c; --panel: #ffffff; --border: #dfe3e8; --grid: #e9ecf0;
      --hover: #f0f3f7; --code-bg: #f4f6f8; --error-fg: #b42318; --error-bg: #fdeeee; --warn-bg: #fff6e0;
      --c-completed: #2f9e5c; --c-failed: #d83a3f; --c-retrying: #e3a21a; --c-skipped: #8d96a5;
      --c-cancelled: #7d63cf; --c-unfinished: #3b7ddd; --c-pending: #b8c0cc;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #12151b; --fg: #e4e8ef; --muted: #98a2b3; --panel: #1a1e26; --border: #2b313c; --grid: #252b35;
        --hover: #1f242d; --code-bg: #0f1217; --error-fg: #ff9b93; --error-bg: #3a1c1e; --warn-bg: #3a3015;
        --c-completed: #3fb872; --c-failed: #f0595d; --c-retrying: #f0b43a; --c-skipped: #7d8696;
        --c-cancelled: #9a84e8; --c-unfinished: #5b9cf5; --c-pending: #4a5260;
      }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
    main { max-width: 1480px; margin: 0 auto; padding: 22px 28px 40px; }
    h1 { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .07em; color: var(--muted);
      margin: 0 0 6px; }
    h2 { font-size: 16px; margin: 0; }
    code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    .task { font-size: 20px; font-weight: 600; margin: 0 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
    .objective { color: var(--muted); margin: 0 0 14px; overflow-wrap: anywhere; }
    .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px 20px;
      margin: 12px 0 0; padding: 14px 16px; background: var(--panel); border: 1px solid var(--border);
      border-radius: 10px; }
    .facts div { min-width: 0; }
    .facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
    .facts dd { margin: 2px 0 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
    .facts dd.wide { grid-column: 1 / -1; }
    .badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600;
      color: #fff; background: var(--c-skipped); }
    .badge.completed { background: var(--c-completed); }
    .badge.failed, .badge.budgetExceeded, .badge.rejected { background: var(--c-failed); }
    .badge.cancelled { background: var(--c-cancelled); }
    .badge.interrupted { background: var(--c-retrying); color: #1c1c1c; }
    .badge.running { background: var(--c-unfinished); }
    .notice { border-left: 4px solid var(--c-retrying); background: var(--warn-bg); padding: 9px 14px;
      border-radius: 6px; margin: 12px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .notice.error { border-color: var(--c-failed); background: var(--error-bg); color: var(--error-fg); }
    details.request { margin-top: 10px; }
    details.request > summary { cursor: pointer; color: var(--muted); font-size: 13px; }
    section { margin-top: 26px; }
    .toolbar { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; margin-bottom: 10px; }
    .legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); }
    .legend i { display: inline-block; width: 16px; height: 10px; border-radius: 2px; margin-right: 5px;
      vertical-align: -1px; background: var(--c-state); }
    .spacer { flex: 1; }
    button { font: inherit; font-size: 12px; padding: 3px 10px; border-radius: 6px; border: 1px solid var(--border);
      background: var(--panel); color: var(--fg); cursor: pointer; }
    button:hover { background: var(--hover); }
    .steps { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; overflow: hidden; }
    .grid { display: grid; align-items: center; column-gap: 12px;
      grid-template-columns: minmax(12rem, 17rem) 4.6rem 7.6rem 5.4rem 2.6rem 6.6rem minmax(12rem, 1fr); }
    .head { padding: 8px 12px 6px; font-size: 11px; text-transform: uppercase; letter-spacing: .05em;
      color: var(--muted); border-bottom: 1px solid var(--border); }
    .axis { position: relative; height: 1.3em; text-transform: none; letter-spacing: 0; }
    .axis span { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap;
      font-variant-numeric: tabular-nums; }
    .axis span:first-child { transform: none; }
    .axis span:last-child { transform: translateX(-100%); }
    details.step { border-bottom: 1px solid var(--border); }
    details.step:last-child { border-bottom: 0; }
    details.step > summary { list-style: none; cursor: pointer; padding: 7px 12px; }
    details.step > summary::-webkit-details-marker { display: none; }
    details.step > summary:hover, details.step[open] > summary { background: var(--hover); }
    details.step > summary:focus-visible { outline: 2px solid var(--c-unfinished); outline-offset: -2px; }
    .name { min-width: 0; }
    .name .title { display: block; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .name .title::before { content: "\\25B8"; display: inline-block; width: 1.1em; color: var(--muted);
      transition: transform .12s; }
    details.step[open] .name .title::before { transform: rotate(90deg); }
    .name .model { display: block; padding-left: 1.1em; font-size: 12px; color: var(--muted); white-space: nowrap;
      overflow: hidden; text-overflow: ellipsis; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .num .sub { color: var(--muted); }
    .status { white-space: nowrap; font-size: 12.5px; font-weight: 600; }
    .status::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
      margin-right: 6px; background: var(--c-state, var(--c-skipped)); vertical-align: 0; }
    .track { position: relative; height: 20px; border-left: 1px solid var(--grid); border-right: 1px solid var(--grid);
      background-image: linear-gradient(to right, var(--grid) 1px, transparent 1px);
      background-size: var(--tick) 100%; }
    .seg { position: absolute; top: 3px; bottom: 3px; min-width: 3px; border-radius: 3px;
      background: var(--c-state, var(--c-skipped)); }
    .legend i.waiting, .legend i.unfinished { border-radius: 0; }
    .seg.waiting { top: 8px; bottom: 8px; border-radius: 0; opacity: .75;
      background: repeating-linear-gradient(90deg, var(--c-retrying) 0 3px, transparent 3px 6px); }
    .legend i.waiting { background: repeating-linear-gradient(90deg, var(--c-retrying) 0 3px, transparent 3px 6px); }
    .seg.unfinished, .legend i.unfinished { background: repeating-linear-gradient(135deg, var(--c-unfinished) 0 5px, transparent 5px 9px);
      border: 1px solid var(--c-unfinished); }
    .seg.marker { width: 9px; min-width: 9px; height: 9px; top: 5px; border-radius: 1px; transform: translateX(-4px) rotate(45deg); }
    .completed { --c-state: var(--c-completed); }
    .failed { --c-state: var(--c-failed); }
    .retrying, .waiting { --c-state: var(--c-retrying); }
    .skipped { --c-state: var(--c-skipped); }
    .cancelled { --c-state: var(--c-cancelled); }
    .unfinished { --c-state: var(--c-unfinished); }
    .pending { --c-state: var(--c-pending); }
    .status.failed { color: var(--error-fg); }
    .body { padding: 4px 16px 16px calc(12px + 1.1em); }
    .body h3 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
      margin: 12px 0 5px; }
    .body p { margin: 4px 0; }
    .muted { color: var(--muted); }
    .io { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 6px 18px; }
    .io > div { min-width: 0; }
    .role { font-size: 11px; font-weight: 600; color: var(--muted); margin: 8px 0 3px; }
    pre { margin: 0; padding: 9px 11px; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px;
      white-space: pre-wrap; overflow-wrap: anywhere; overflow: auto; max-height: 30em;
      font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    pre.error { color: var(--error-fg); background: var(--error-bg); border-color: var(--c-failed); }
    .answer { white-space: pre-wrap; overflow-wrap: anywhere; margin: 10px 0 0; padding: 14px 16px;
      background: var(--panel); border: 1px solid var(--border); border-radius: 10px; line-height: 1.55; }
    ol.retries { margin: 4px 0; padding-left: 1.4em; }
    ol.retries li { margin: 2px 0; overflow-wrap: anywhere; }
    ol.retries .reason { color: var(--error-fg); }
    footer { margin-top: 28px; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
    @media (max-width: 980px) {
      .grid { grid-template-columns: minmax(9rem, 1fr) 4.4rem 6.6rem 2.4rem 6.2rem minmax(8rem, 1.2fr); }
      .grid > .cost { display: none; }
      .axis span:nth-child(even):not(:last-child), .axis span:nth-last-child(2) { visibility: hidden; }
    }
    @media print {
      body { background: #fff; color: #000; }
      .js-only { display: none !important; }
      pre { max-height: none; }
    }
    """

  /// Expand or collapse every step; open the step named in the URL's fragment (`#step-2`), or several without
  /// scrolling (`#open=2,3`, `#open=all`); open all before printing.
  static let script = """
    (function () {
      var steps = function () { return document.querySelectorAll("details.step"); };
      document.querySelectorAll("[data-toggle]").forEach(function (button) {
        button.addEventListener("click", function () {
          var open = button.getAttribute("data-toggle") === "open";
          steps().forEach(function (step) { step.open = open; });
        });
      });
      document.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
      // The browser scrolls to the fragment's step by itself; this opens it (and scrolls again on later changes).
      function openFromHash(scroll) {
        var hash = decodeURIComponent(location.hash.slice(1));
        if (hash.indexOf("open=") === 0) {
          var wanted = hash.slice(5).split(",");
          steps().forEach(function (step) {
            var number = step.id.replace("step-", "");
            if (wanted.indexOf("all") >= 0 || wanted.indexOf(number) >= 0) { step.open = true; }
          });
          return;
        }
        var target = hash ? document.getElementById(hash) : null;
        if (target && target.tagName === "DETAILS") {
          target.open = true;
          if (scroll) { target.scrollIntoView(); }
        }
      }
      window.addEventListener("hashchange", function () { openFromHash(true); });
      window.addEventListener("beforeprint", function () { steps().forEach(function (step) { step.open = true; }); });
      openFromHash(false);
    })();
    """
}
