/// The dashboard page. Both views live in the page; `app.js` shows one according to the URL hash
/// (`#/` → providers, `#/health` → health) and fills them from the API.
enum DashboardIndexHTML {
    static let body = #"""
    <!doctype html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="color-scheme" content="light dark">
      <title>Providers · swift-traefik</title>
      <link rel="icon" href="data:,">
      <link rel="stylesheet" href="style.css">
      <script src="app.js" defer></script>
    </head>
    <body>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/">
            <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M4 6h16M4 12h10M4 18h16" />
              <circle cx="18" cy="12" r="2.5" />
            </svg>
            <span>swift-traefik</span>
          </a>
          <nav class="nav" aria-label="Dashboard views">
            <a class="nav-link" data-view="providers" href="#/">Providers</a>
            <a class="nav-link" data-view="health" href="#/health">Health</a>
          </nav>
          <p id="connection" class="connection" role="status" data-state="connecting">
            <span class="connection-dot" aria-hidden="true"></span>
            <span id="connection-text">Connecting…</span>
          </p>
        </div>
      </header>

      <div id="error-banner" class="error-banner" role="alert" hidden></div>

      <main class="content">
        <section id="providers" class="view" aria-labelledby="providers-title">
          <div class="view-header">
            <h1 id="providers-title">Providers</h1>
            <div class="filter">
              <label for="filter-input">Filter</label>
              <input id="filter-input" type="search" autocomplete="off" spellcheck="false"
                     placeholder="Name, rule, URL…">
            </div>
          </div>

          <section id="global-diagnostics" class="diagnostics-panel" aria-labelledby="global-diagnostics-title" hidden>
            <h2 id="global-diagnostics-title">Diagnostics</h2>
            <ul id="global-diagnostics-list" class="diagnostics-list"></ul>
          </section>

          <div id="provider-tabs" class="tabs" role="tablist" aria-label="Providers" hidden></div>
          <div id="provider-panel" class="provider-panel" role="tabpanel" aria-live="off"></div>
          <p id="providers-empty" class="empty-state" hidden>No provider has sent a configuration yet.</p>
          <p id="providers-loading" class="empty-state">Loading configuration…</p>
        </section>

        <section id="health" class="view" aria-labelledby="health-title" hidden>
          <div class="view-header">
            <h1 id="health-title">Health</h1>
            <p id="health-updated" class="muted"></p>
          </div>

          <dl id="health-stats" class="stats">
            <div class="stat">
              <dt>PID</dt>
              <dd id="health-pid">–</dd>
            </div>
            <div class="stat">
              <dt>Uptime</dt>
              <dd id="health-uptime">–</dd>
            </div>
            <div class="stat">
              <dt>Total requests</dt>
              <dd id="health-total-count">–</dd>
            </div>
            <div class="stat">
              <dt>Requests, last second</dt>
              <dd id="health-count">–</dd>
            </div>
            <div class="stat">
              <dt>Average response time</dt>
              <dd id="health-average">–</dd>
            </div>
            <div class="stat">
              <dt>Total response time</dt>
              <dd id="health-total-time">–</dd>
            </div>
          </dl>

          <div class="charts">
            <section class="card chart-card" aria-labelledby="response-time-title">
              <div class="chart-header">
                <h2 id="response-time-title">Average response time</h2>
                <p class="muted">last 100 polls, every 3 s</p>
              </div>
              <div id="response-time-chart" class="chart" role="img" aria-label="Average response time: waiting for data"></div>
            </section>
            <section class="card chart-card" aria-labelledby="status-code-title">
              <div class="chart-header">
                <h2 id="status-code-title">Status codes</h2>
                <p class="muted">total since start</p>
              </div>
              <div id="status-code-chart" class="chart" role="img" aria-label="Status codes: waiting for data"></div>
              <table id="status-code-table" class="status-table">
                <caption class="visually-hidden">Responses by status code</caption>
                <thead>
                  <tr><th scope="col">Status</th><th scope="col">Responses</th><th scope="col">Share</th></tr>
                </thead>
                <tbody></tbody>
              </table>
            </section>
          </div>
        </section>
      </main>

      <footer class="footer">
        <p>Polls <code>/api/providers</code> every 2 s and <code>/health</code> every 3 s.</p>
      </footer>
    </body>
    </html>
    """#
}
