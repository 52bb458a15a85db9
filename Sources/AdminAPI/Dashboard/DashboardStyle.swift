/// The dashboard's stylesheet (`style.css`): system fonts, light and dark schemes, and a stacked
/// layout below 600 px so the dashboard stays readable on a phone.
enum DashboardStyle {
    static let body = #"""
    /* swift-traefik dashboard. System fonts only: the dashboard must work offline. */
    :root {
      --bg: #f3f5f8;
      --surface: #ffffff;
      --surface-alt: #f7f9fb;
      --text: #1b2330;
      --muted: #5d6878;
      --border: #dde3eb;
      --accent: #1a6fd6;
      --accent-soft: #e5effc;
      --topbar: #101826;
      --topbar-text: #e9eef5;
      --ok: #17804a;
      --ok-soft: #e3f4ea;
      --warn: #a4600a;
      --warn-soft: #fdf1dc;
      --danger: #c0312b;
      --danger-soft: #fce8e7;
      --info: #1a6fd6;
      --info-soft: #e5effc;
      --neutral: #4d5868;
      --neutral-soft: #eceff3;
      --shadow: 0 1px 2px rgba(16, 24, 38, 0.06), 0 1px 3px rgba(16, 24, 38, 0.04);
      --radius: 10px;
      --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
      color-scheme: light dark;
    }

    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #0e131a;
        --surface: #161d27;
        --surface-alt: #1b2330;
        --text: #e4e9f0;
        --muted: #98a3b3;
        --border: #2a3442;
        --accent: #5aa2f5;
        --accent-soft: #1b2c44;
        --topbar: #0a0e14;
        --ok: #4cc68a;
        --ok-soft: #143324;
        --warn: #e8a94a;
        --warn-soft: #3a2a12;
        --danger: #f07b74;
        --danger-soft: #3d1a1a;
        --info: #5aa2f5;
        --info-soft: #1b2c44;
        --neutral: #b3bdca;
        --neutral-soft: #253040;
        --shadow: none;
      }
    }

    *, *::before, *::after { box-sizing: border-box; }

    html { -webkit-text-size-adjust: 100%; }

    body {
      margin: 0;
      background: var(--bg);
      color: var(--text);
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
      min-height: 100vh;
      display: flex;
      flex-direction: column;
    }

    [hidden] { display: none !important; }

    h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
    h1 { font-size: 1.5rem; font-weight: 650; }
    h2 { font-size: 1.05rem; font-weight: 650; }
    h3 { font-size: 1rem; font-weight: 650; }

    code {
      font-family: var(--mono);
      font-size: 0.86em;
      background: var(--surface-alt);
      border: 1px solid var(--border);
      border-radius: 5px;
      padding: 0.05em 0.35em;
      overflow-wrap: anywhere;
    }

    a { color: var(--accent); }

    :focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }

    .muted { color: var(--muted); }
    .small { font-size: 0.86rem; }

    .visually-hidden {
      position: absolute !important;
      width: 1px; height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }

    /* ------------------------------------------------------------ top bar */

    .topbar {
      background: var(--topbar);
      color: var(--topbar-text);
      position: sticky;
      top: 0;
      z-index: 10;
    }

    .topbar-inner {
      max-width: 1240px;
      margin: 0 auto;
      padding: 0 20px;
      display: flex;
      align-items: center;
      gap: 24px;
      min-height: 56px;
    }

    .brand {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      color: inherit;
      text-decoration: none;
      font-weight: 700;
      font-size: 1.05rem;
      letter-spacing: 0.01em;
    }

    .brand-mark {
      width: 26px; height: 26px;
      padding: 3px;
      border-radius: 7px;
      background: linear-gradient(135deg, #2f86eb, #22b3a6);
      fill: none;
      stroke: #fff;
      stroke-width: 2.2;
      stroke-linecap: round;
    }
    .brand-mark circle { fill: #fff; stroke: none; }

    .nav { display: flex; gap: 4px; }

    .nav-link {
      color: #b7c2d1;
      text-decoration: none;
      padding: 16px 12px;
      font-weight: 550;
      border-bottom: 3px solid transparent;
    }
    .nav-link:hover { color: #fff; }
    .nav-link[aria-current="page"] { color: #fff; border-bottom-color: #3d95f0; }

    .connection {
      margin: 0 0 0 auto;
      display: inline-flex;
      align-items: center;
      gap: 8px;
      font-size: 0.86rem;
      color: #b7c2d1;
      white-space: nowrap;
    }

    .connection-dot {
      width: 9px; height: 9px;
      border-radius: 50%;
      background: #8a96a8;
    }
    .connection[data-state="live"] .connection-dot { background: #3fcf85; box-shadow: 0 0 0 3px rgba(63, 207, 133, 0.2); }
    .connection[data-state="offline"] .connection-dot { background: #f26b63; box-shadow: 0 0 0 3px rgba(242, 107, 99, 0.25); }

    /* ------------------------------------------------------------ layout */

    .error-banner {
      background: var(--danger-soft);
      color: var(--danger);
      border-bottom: 1px solid var(--danger);
      padding: 10px 20px;
      text-align: center;
      font-size: 0.92rem;
    }

    .content {
      flex: 1;
      width: 100%;
      max-width: 1240px;
      margin: 0 auto;
      padding: 24px 20px 32px;
    }

    .view-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      flex-wrap: wrap;
      gap: 12px 20px;
      margin-bottom: 18px;
    }
    .view-header p { margin: 0; }

    .filter { display: flex; align-items: center; gap: 8px; }
    .filter label { font-size: 0.9rem; color: var(--muted); font-weight: 550; }
    .filter input {
      font: inherit;
      color: inherit;
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 7px 11px;
      width: 16rem;
      max-width: 100%;
    }
    .filter input:focus { outline: 2px solid var(--accent); outline-offset: 0; border-color: var(--accent); }

    .footer {
      text-align: center;
      color: var(--muted);
      font-size: 0.82rem;
      padding: 0 20px 20px;
    }
    .footer p { margin: 0; }

    .empty-state {
      color: var(--muted);
      background: var(--surface);
      border: 1px dashed var(--border);
      border-radius: var(--radius);
      padding: 22px;
      text-align: center;
      margin: 0;
    }

    /* ------------------------------------------------------------ tabs */

    .tabs {
      display: flex;
      gap: 4px;
      border-bottom: 1px solid var(--border);
      margin-bottom: 20px;
      overflow-x: auto;
      scrollbar-width: thin;
    }

    .provider-tab {
      font: inherit;
      font-weight: 600;
      color: var(--muted);
      background: none;
      border: 0;
      border-bottom: 3px solid transparent;
      padding: 10px 14px 9px;
      cursor: pointer;
      display: inline-flex;
      align-items: center;
      gap: 8px;
      white-space: nowrap;
    }
    .provider-tab:hover { color: var(--text); }
    .provider-tab[aria-selected="true"] { color: var(--accent); border-bottom-color: var(--accent); }

    .provider-tab-count {
      font-size: 0.76rem;
      font-weight: 600;
      color: var(--muted);
      background: var(--neutral-soft);
      border-radius: 999px;
      padding: 1px 8px;
    }
    .provider-tab[aria-selected="true"] .provider-tab-count { background: var(--accent-soft); color: var(--accent); }

    /* ------------------------------------------------------------ cards */

    .columns {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 24px;
      align-items: start;
    }

    .column { display: flex; flex-direction: column; gap: 14px; min-width: 0; }

    .column-title {
      display: flex;
      align-items: center;
      gap: 8px;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      font-size: 0.8rem;
      color: var(--muted);
    }

    .count {
      display: inline-block;
      min-width: 1.6em;
      text-align: center;
      font-size: 0.75rem;
      font-weight: 650;
      letter-spacing: 0;
      color: var(--muted);
      background: var(--neutral-soft);
      border-radius: 999px;
      padding: 0 7px;
    }

    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: var(--radius);
      box-shadow: var(--shadow);
      padding: 16px 18px;
      min-width: 0;
    }

    .frontend { border-left: 4px solid var(--accent); }
    .backend { border-left: 4px solid #22a394; }

    .card-header {
      display: flex;
      align-items: flex-start;
      justify-content: space-between;
      gap: 10px;
      flex-wrap: wrap;
      margin-bottom: 12px;
    }

    .card-title { overflow-wrap: anywhere; font-family: var(--mono); font-size: 0.98rem; }

    .badges { display: flex; flex-wrap: wrap; gap: 6px; }

    .badge {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      font-size: 0.74rem;
      font-weight: 650;
      letter-spacing: 0.02em;
      border-radius: 999px;
      padding: 2px 9px;
      white-space: nowrap;
    }
    .badge-ok { color: var(--ok); background: var(--ok-soft); }
    .badge-warn { color: var(--warn); background: var(--warn-soft); }
    .badge-danger { color: var(--danger); background: var(--danger-soft); }
    .badge-info { color: var(--info); background: var(--info-soft); }
    .badge-neutral { color: var(--neutral); background: var(--neutral-soft); }
    .breaker-state::before {
      content: "";
      width: 7px; height: 7px;
      border-radius: 50%;
      background: currentColor;
    }

    .properties {
      display: grid;
      grid-template-columns: 8.5rem minmax(0, 1fr);
      gap: 6px 12px;
      margin: 0 0 12px;
      font-size: 0.92rem;
    }
    .properties dt { color: var(--muted); }
    .properties dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }

    .breaker { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 6px; }

    .chips { display: inline-flex; flex-wrap: wrap; gap: 5px; }
    .chip {
      font-size: 0.8rem;
      border: 1px solid var(--border);
      background: var(--surface-alt);
      border-radius: 6px;
      padding: 0 7px;
    }

    .link-button {
      font: inherit;
      color: var(--accent);
      background: none;
      border: 0;
      padding: 0;
      cursor: pointer;
      text-decoration: underline;
      text-underline-offset: 2px;
      font-family: var(--mono);
      font-size: 0.88em;
    }

    .subheading {
      font-size: 0.78rem;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      color: var(--muted);
      margin: 14px 0 8px;
      display: flex;
      align-items: center;
      gap: 8px;
    }

    .routes { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
    .route code { display: inline-block; padding: 3px 8px; font-size: 0.85rem; }
    .route-rule { color: var(--accent); font-weight: 650; }

    .diagnostics-panel {
      background: var(--warn-soft);
      border: 1px solid var(--warn);
      border-radius: var(--radius);
      padding: 12px 16px;
      margin-bottom: 18px;
      color: var(--text);
    }
    .diagnostics-panel h2 { font-size: 0.95rem; color: var(--warn); margin-bottom: 6px; }

    .diagnostics-list { margin: 0; padding-left: 1.2em; font-size: 0.9rem; }
    .diagnostics .diagnostics-list {
      background: var(--warn-soft);
      border-radius: 8px;
      padding: 8px 12px 8px 28px;
    }
    .diagnostic::marker { color: var(--warn); }

    .highlight { animation: highlight 1.6s ease-out; }
    @keyframes highlight {
      0% { box-shadow: 0 0 0 4px var(--accent); }
      100% { box-shadow: var(--shadow); }
    }

    /* ------------------------------------------------------------ server table */

    .servers {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.88rem;
    }
    .servers th, .servers td {
      text-align: left;
      padding: 7px 8px;
      border-top: 1px solid var(--border);
      vertical-align: middle;
    }
    .servers thead th {
      border-top: 0;
      font-size: 0.74rem;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
      font-weight: 650;
      padding-top: 0;
    }
    .servers .server-name { font-family: var(--mono); font-weight: 600; font-size: 0.85rem; }
    .servers .server-url code { background: none; border: 0; padding: 0; }
    .servers .numeric { text-align: right; font-variant-numeric: tabular-nums; }
    .servers thead th:nth-child(3), .servers thead th:nth-child(4) { text-align: right; }
    .servers .server-url code { overflow-wrap: break-word; }

    .meter { display: inline-flex; align-items: center; gap: 8px; white-space: nowrap; }
    .meter-track {
      width: 56px; height: 6px;
      border-radius: 3px;
      background: var(--neutral-soft);
      overflow: hidden;
    }
    .meter-bar { display: block; height: 100%; border-radius: 3px; }
    .meter-ok .meter-bar { background: var(--ok); }
    .meter-warn .meter-bar { background: var(--warn); }
    .meter-danger .meter-bar { background: var(--danger); }
    .meter-label { font-variant-numeric: tabular-nums; font-size: 0.84rem; }

    /* ------------------------------------------------------------ health */

    .stats {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
      gap: 14px;
      margin: 0 0 20px;
    }
    .stat {
      display: flex;
      flex-direction: column;
      justify-content: space-between;
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: var(--radius);
      box-shadow: var(--shadow);
      padding: 14px 16px;
    }
    .stat dt { font-size: 0.78rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; font-weight: 600; }
    .stat dd { margin: 4px 0 0; font-size: 1.45rem; font-weight: 650; font-variant-numeric: tabular-nums; }

    .charts {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      gap: 20px;
      align-items: start;
    }

    .chart-header {
      display: flex;
      align-items: baseline;
      justify-content: space-between;
      flex-wrap: wrap;
      gap: 4px 12px;
      margin-bottom: 10px;
    }
    .chart-header p { margin: 0; font-size: 0.84rem; }

    .chart { width: 100%; min-height: 200px; }
    .chart-svg { display: block; width: 100%; height: auto; overflow: visible; }
    .chart-empty {
      margin: 0;
      min-height: 200px;
      display: flex;
      align-items: center;
      justify-content: center;
      color: var(--muted);
    }

    .grid-line { stroke: var(--border); stroke-width: 1; stroke-dasharray: 3 4; }
    .axis-line { stroke: var(--muted); stroke-width: 1; opacity: 0.6; }
    .tick-label { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
    .chart-line { fill: none; stroke: var(--accent); stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
    .chart-area { fill: var(--accent); opacity: 0.12; }
    .chart-point { fill: var(--surface); stroke: var(--accent); stroke-width: 2.5; }

    .bar-ok { fill: var(--ok); }
    .bar-info { fill: var(--info); }
    .bar-warn { fill: var(--warn); }
    .bar-danger { fill: var(--danger); }
    .bar-neutral { fill: var(--neutral); }
    .bar-value { fill: var(--text); font-size: 11px; font-weight: 650; font-variant-numeric: tabular-nums; }
    .bar-label { font-family: var(--mono); }

    .status-table { width: 100%; border-collapse: collapse; margin-top: 12px; font-size: 0.88rem; }
    .status-table th, .status-table td { padding: 6px 8px; border-top: 1px solid var(--border); text-align: left; }
    .status-table thead th {
      border-top: 0;
      font-size: 0.74rem;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
    }
    .status-table tbody th { font-family: var(--mono); font-weight: 600; }
    .status-table .numeric, .status-table thead th:not(:first-child) { text-align: right; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 8px; vertical-align: -1px; }
    .swatch-ok { background: var(--ok); }
    .swatch-info { background: var(--info); }
    .swatch-warn { background: var(--warn); }
    .swatch-danger { background: var(--danger); }
    .swatch-neutral { background: var(--neutral); }

    /* ------------------------------------------------------------ narrow screens */

    @media (max-width: 900px) {
      .columns, .charts { grid-template-columns: minmax(0, 1fr); }
    }

    @media (max-width: 600px) {
      body { font-size: 14px; }
      .topbar-inner { padding: 0 12px; gap: 10px; }
      .brand span { display: none; }
      .nav-link { padding: 15px 10px; }
      #connection-text { font-size: 0.8rem; }
      .content { padding: 16px 12px 24px; }
      h1 { font-size: 1.3rem; }
      .filter { width: 100%; }
      .filter input { flex: 1; width: auto; }
      .card { padding: 14px; }
      .properties { grid-template-columns: minmax(0, 1fr); gap: 0; }
      .properties dt { font-size: 0.78rem; margin-top: 6px; }
      .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
      .stat dd { font-size: 1.2rem; }

      /* Server rows become small stacked blocks with their column names as labels. */
      .servers thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
      .servers, .servers tbody, .servers tr, .servers th, .servers td { display: block; width: 100%; }
      .servers tr.server { border-top: 1px solid var(--border); padding: 8px 0; }
      .servers th, .servers td { border: 0; padding: 2px 0; text-align: left; }
      .servers td { display: flex; justify-content: space-between; gap: 12px; }
      .servers td::before {
        content: attr(data-label);
        color: var(--muted);
        font-size: 0.8rem;
        flex: none;
      }
      .servers .server-url code { text-align: right; min-width: 0; }
    }
    """#
}
