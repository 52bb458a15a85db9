/// The dashboard's script (`app.js`): polls `/api/providers` every 2 s and `/health` every 3 s and
/// renders both views with plain DOM calls; no framework, no eval, no network access beyond the API.
enum DashboardScript {
    static let body = #"""
    // swift-traefik dashboard: polls the web provider's API and renders it with plain DOM calls.
    // Data from the API only ever reaches the page through textContent and setAttribute (never as HTML).
    "use strict";

    (function () {
      const PROVIDERS_URL = "../api/providers";
      const DIAGNOSTICS_URL = "../api/diagnostics";
      const HEALTH_URL = "../health";
      const PROVIDERS_PERIOD_MS = 2000;
      const HEALTH_PERIOD_MS = 3000;
      const REQUEST_TIMEOUT_MS = 5000;
      const HISTORY_LENGTH = 100;
      const SVG_NS = "http://www.w3.org/2000/svg";

      const METHOD_DESCRIPTIONS = {
        wrr: "weighted round robin",
        drr: "dynamic round robin (rebalancer)"
      };
      const BREAKER_STATE_TONES = { standby: "ok", tripped: "danger", recovering: "warn" };

      const state = {
        providers: null,
        providersText: null,
        diagnostics: [],
        diagnosticsText: null,
        selectedProvider: null,
        filter: "",
        health: null,
        responseTimes: [],
        failures: new Map(),
        lastSuccess: null
      };

      const byId = (id) => document.getElementById(id);
      const numberFormat = new Intl.NumberFormat("en-US");

      // ---------------------------------------------------------------- DOM helpers

      function appendChildren(node, children) {
        for (const child of [children].flat(Infinity)) {
          if (child === null || child === undefined || child === false) continue;
          node.append(child instanceof Node ? child : String(child));
        }
        return node;
      }

      function setAttributes(node, attributes) {
        for (const [key, value] of Object.entries(attributes || {})) {
          if (value === null || value === undefined || value === false) continue;
          if (key === "text") node.textContent = String(value);
          else node.setAttribute(key, value === true ? "" : String(value));
        }
        return node;
      }

      function el(tag, attributes, children) {
        return appendChildren(setAttributes(document.createElement(tag), attributes), children);
      }

      function svgEl(tag, attributes, children) {
        return appendChildren(setAttributes(document.createElementNS(SVG_NS, tag), attributes), children);
      }

      function sortedKeys(object) {
        return Object.keys(object || {}).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
      }

      function badge(text, tone, title) {
        return el("span", { class: "badge badge-" + (tone || "neutral"), title: title }, text);
      }

      function idFragment(text) {
        return String(text).replace(/[^A-Za-z0-9_-]/g, "_");
      }

      // ---------------------------------------------------------------- formatting

      // Three significant digits at most, trailing zeros dropped: "78 ms", "1.25 ms", "12.1 s".
      function formatSeconds(seconds) {
        if (typeof seconds !== "number" || !isFinite(seconds)) return "–";
        if (seconds === 0) return "0 ms";
        const [value, unit] = seconds < 0.001 ? [seconds * 1e6, "µs"] : seconds < 1 ? [seconds * 1000, "ms"] : [seconds, "s"];
        const decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
        return String(Number(value.toFixed(decimals))) + " " + unit;
      }

      function formatUptime(seconds) {
        if (typeof seconds !== "number" || !isFinite(seconds)) return "–";
        let rest = Math.floor(seconds);
        const days = Math.floor(rest / 86400); rest -= days * 86400;
        const hours = Math.floor(rest / 3600); rest -= hours * 3600;
        const minutes = Math.floor(rest / 60); rest -= minutes * 60;
        const parts = [];
        if (days) parts.push(days + "d");
        if (days || hours) parts.push(hours + "h");
        if (days || hours || minutes) parts.push(minutes + "m");
        parts.push(rest + "s");
        return parts.join(" ");
      }

      function formatCount(value) {
        return typeof value === "number" ? numberFormat.format(value) : "–";
      }

      function formatClock(date) {
        return date.toLocaleTimeString("en-GB", { hour12: false });
      }

      function formatPercent(ratio) {
        return (ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0) + " %";
      }

      // ---------------------------------------------------------------- fetching and errors

      async function fetchJSON(url) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
        try {
          const response = await fetch(url, {
            cache: "no-store",
            headers: { Accept: "application/json" },
            signal: controller.signal
          });
          if (!response.ok) {
            const error = new Error("HTTP " + response.status + " " + response.statusText);
            error.status = response.status;
            throw error;
          }
          const text = await response.text();
          return { text: text, value: JSON.parse(text) };
        } finally {
          clearTimeout(timer);
        }
      }

      function absolutePath(url) {
        return new URL(url, document.baseURI).pathname;
      }

      function describeError(error) {
        if (error && error.name === "AbortError") return "no answer within " + REQUEST_TIMEOUT_MS / 1000 + " s";
        if (error instanceof SyntaxError) return "invalid JSON";
        if (error instanceof TypeError) return "network error";
        return error && error.message ? error.message : String(error);
      }

      function reportFailure(url, error) {
        state.failures.set(absolutePath(url), describeError(error));
        if (url === PROVIDERS_URL && state.providers === null) {
          byId("providers-loading").textContent = "The configuration could not be loaded yet; retrying.";
        }
        renderConnection();
      }

      function reportSuccess(url) {
        state.failures.delete(absolutePath(url));
        state.lastSuccess = new Date();
        renderConnection();
      }

      function renderConnection() {
        const banner = byId("error-banner");
        const connection = byId("connection");
        const text = byId("connection-text");
        if (state.failures.size === 0) {
          banner.hidden = true;
          banner.replaceChildren();
          if (state.lastSuccess) {
            connection.dataset.state = "live";
            text.textContent = "Live · " + formatClock(state.lastSuccess);
          }
          return;
        }
        const problems = Array.from(state.failures, ([path, reason]) => path + " (" + reason + ")");
        banner.replaceChildren(
          el("strong", {}, "Cannot reach the API. "),
          el("span", {}, "Failed: " + problems.join(", ") + ". "),
          el("span", {}, state.lastSuccess
            ? "Showing data from " + formatClock(state.lastSuccess) + "; retrying."
            : "Retrying.")
        );
        banner.hidden = false;
        connection.dataset.state = "offline";
        text.textContent = "Offline";
      }

      function poll(task, periodMs) {
        const run = () => {
          task().finally(() => setTimeout(run, periodMs));
        };
        run();
      }

      async function refreshProviders() {
        try {
          const result = await fetchJSON(PROVIDERS_URL);
          reportSuccess(PROVIDERS_URL);
          if (result.text !== state.providersText) {
            state.providersText = result.text;
            state.providers = result.value && typeof result.value === "object" ? result.value : {};
            renderProviders();
          }
        } catch (error) {
          reportFailure(PROVIDERS_URL, error);
          return;
        }
        await refreshDiagnostics();
      }

      // /api/diagnostics is optional: an API without it (404) simply shows no global diagnostics.
      async function refreshDiagnostics() {
        try {
          const result = await fetchJSON(DIAGNOSTICS_URL);
          if (result.text === state.diagnosticsText) return;
          state.diagnosticsText = result.text;
          state.diagnostics = Array.isArray(result.value) ? result.value.map(String) : [];
        } catch (error) {
          if (error.status !== 404) return;
          state.diagnosticsText = null;
          state.diagnostics = [];
        }
        renderGlobalDiagnostics();
      }

      async function refreshHealth() {
        try {
          const result = await fetchJSON(HEALTH_URL);
          reportSuccess(HEALTH_URL);
          state.health = result.value || {};
          const seconds = Number(state.health.average_response_time_sec);
          if (isFinite(seconds)) {
            state.responseTimes.push({ at: new Date(), seconds: seconds });
            if (state.responseTimes.length > HISTORY_LENGTH) state.responseTimes.shift();
          }
          renderHealth();
        } catch (error) {
          reportFailure(HEALTH_URL, error);
        }
      }

      // ---------------------------------------------------------------- providers view

      function renderGlobalDiagnostics() {
        const panel = byId("global-diagnostics");
        const list = byId("global-diagnostics-list");
        list.replaceChildren(...state.diagnostics.map((message) => el("li", { class: "diagnostic" }, message)));
        panel.hidden = state.diagnostics.length === 0;
      }

      function renderProviders() {
        const providers = state.providers || {};
        const names = sortedKeys(providers);
        const tabs = byId("provider-tabs");
        const tabHadFocus = tabs.contains(document.activeElement);
        if (!names.includes(state.selectedProvider)) state.selectedProvider = names.length ? names[0] : null;

        tabs.replaceChildren(...names.map((name) => {
          const configuration = providers[name] || {};
          const selected = name === state.selectedProvider;
          const frontendCount = Object.keys(configuration.frontends || {}).length;
          const backendCount = Object.keys(configuration.backends || {}).length;
          const tab = el("button", {
            type: "button",
            role: "tab",
            class: "provider-tab",
            id: "provider-tab-" + idFragment(name),
            "data-provider": name,
            "aria-selected": String(selected),
            "aria-controls": "provider-panel",
            tabindex: selected ? "0" : "-1"
          }, [
            el("span", { class: "provider-tab-name" }, name),
            el("span", {
              class: "provider-tab-count",
              title: frontendCount + " frontends, " + backendCount + " backends"
            }, frontendCount + " · " + backendCount)
          ]);
          tab.addEventListener("click", () => selectProvider(name, false));
          tab.addEventListener("keydown", onTabKeydown);
          return tab;
        }));
        if (tabHadFocus) focusSelectedTab();

        byId("providers-loading").hidden = true;
        byId("providers-empty").hidden = names.length > 0;
        tabs.hidden = names.length === 0;
        renderProviderPanel();
      }

      function selectProvider(name, moveFocus) {
        if (name === state.selectedProvider) return;
        state.selectedProvider = name;
        for (const tab of document.querySelectorAll(".provider-tab")) {
          const selected = tab.dataset.provider === name;
          tab.setAttribute("aria-selected", String(selected));
          tab.tabIndex = selected ? 0 : -1;
        }
        if (moveFocus) focusSelectedTab();
        renderProviderPanel();
      }

      function focusSelectedTab() {
        const tab = document.querySelector('.provider-tab[aria-selected="true"]');
        if (tab) tab.focus();
      }

      function onTabKeydown(event) {
        const tabs = Array.from(document.querySelectorAll(".provider-tab"));
        const index = tabs.indexOf(event.currentTarget);
        const targets = {
          ArrowRight: (index + 1) % tabs.length,
          ArrowLeft: (index - 1 + tabs.length) % tabs.length,
          Home: 0,
          End: tabs.length - 1
        };
        if (!(event.key in targets)) return;
        event.preventDefault();
        selectProvider(tabs[targets[event.key]].dataset.provider, true);
      }

      function matchesFilter(texts) {
        if (!state.filter) return true;
        return texts.some((text) => text !== undefined && text !== null &&
          String(text).toLowerCase().includes(state.filter));
      }

      function frontendTexts(name, frontend) {
        const routes = Object.values(frontend.routes || {});
        return [name, frontend.backend]
          .concat(frontend.entryPoints || [])
          .concat(routes.map((route) => route.rule + ": " + route.value));
      }

      function backendTexts(name, backend) {
        const servers = backend.servers || {};
        return [name, backend.circuitBreaker && backend.circuitBreaker.expression]
          .concat(Object.keys(servers))
          .concat(Object.values(servers).map((server) => server && server.url));
      }

      function renderProviderPanel() {
        const panel = byId("provider-panel");
        const name = state.selectedProvider;
        if (name === null) {
          panel.replaceChildren();
          panel.hidden = true;
          return;
        }
        panel.hidden = false;
        panel.setAttribute("aria-labelledby", "provider-tab-" + idFragment(name));
        const configuration = (state.providers || {})[name] || {};
        const frontends = configuration.frontends || {};
        const backends = configuration.backends || {};

        const frontendNames = sortedKeys(frontends).filter((f) => matchesFilter(frontendTexts(f, frontends[f] || {})));
        const backendNames = sortedKeys(backends).filter((b) => matchesFilter(backendTexts(b, backends[b] || {})));

        panel.replaceChildren(el("div", { class: "columns" }, [
          el("section", { class: "column", "aria-labelledby": "frontends-title" }, [
            el("h2", { id: "frontends-title", class: "column-title" }, [
              "Frontends ", el("span", { class: "count" }, String(frontendNames.length))
            ]),
            frontendNames.length
              ? frontendNames.map((f) => renderFrontend(name, f, frontends[f] || {}, backends))
              : el("p", { class: "empty-state" }, state.filter ? "No frontend matches the filter." : "No frontends.")
          ]),
          el("section", { class: "column", "aria-labelledby": "backends-title" }, [
            el("h2", { id: "backends-title", class: "column-title" }, [
              "Backends ", el("span", { class: "count" }, String(backendNames.length))
            ]),
            backendNames.length
              ? backendNames.map((b) => renderBackend(name, b, backends[b] || {}, frontends))
              : el("p", { class: "empty-state" }, state.filter ? "No backend matches the filter." : "No backends.")
          ])
        ]));
      }

      function property(label, value) {
        return [el("dt", {}, label), el("dd", {}, value)];
      }

      function renderFrontend(provider, name, frontend, backends) {
        const routeNames = sortedKeys(frontend.routes);
        const entryPoints = frontend.entryPoints || [];
        const diagnostics = Array.isArray(frontend.diagnostics) ? frontend.diagnostics : [];
        const backendExists = frontend.backend !== undefined && Object.prototype.hasOwnProperty.call(backends, frontend.backend);

        const backendValue = backendExists
          ? el("button", {
              type: "button",
              class: "link-button",
              "data-backend": frontend.backend,
              title: "Show backend " + frontend.backend
            }, frontend.backend)
          : el("span", {}, [frontend.backend || "–", " ", badge("not in this provider", "warn")]);
        if (backendExists) backendValue.addEventListener("click", () => revealBackend(provider, frontend.backend));

        return el("article", {
          class: "card frontend",
          "data-name": name,
          id: "frontend-" + idFragment(provider) + "-" + idFragment(name),
          "aria-labelledby": "frontend-title-" + idFragment(provider) + "-" + idFragment(name)
        }, [
          el("header", { class: "card-header" }, [
            el("h3", { class: "card-title", id: "frontend-title-" + idFragment(provider) + "-" + idFragment(name) }, name),
            el("div", { class: "badges" }, [
              frontend.priority ? badge("priority " + frontend.priority, "neutral", "Frontend priority") : null,
              diagnostics.length ? badge(diagnostics.length + (diagnostics.length === 1 ? " warning" : " warnings"), "warn") : null
            ])
          ]),
          el("dl", { class: "properties" }, [
            ...property("Backend", backendValue),
            ...property("Entry points", entryPoints.length
              ? el("span", { class: "chips" }, entryPoints.map((entryPoint) => el("span", { class: "chip" }, entryPoint)))
              : el("span", { class: "muted" }, "default")),
            ...property("Pass Host header", frontend.passHostHeader ? "yes" : "no"),
            ...property("Priority", String(frontend.priority || 0))
          ]),
          el("h4", { class: "subheading" }, "Routes"),
          routeNames.length
            ? el("ul", { class: "routes" }, routeNames.map((routeName) => {
                const route = frontend.routes[routeName] || {};
                return el("li", { class: "route", "data-name": routeName, title: "Route " + routeName }, [
                  el("code", {}, [
                    el("span", { class: "route-rule" }, String(route.rule || "?")),
                    ": ",
                    el("span", { class: "route-value" }, String(route.value === undefined ? "" : route.value))
                  ])
                ]);
              }))
            : el("p", { class: "muted small" }, "No routes: matches every request on its entry points."),
          diagnostics.length
            ? el("div", { class: "diagnostics" }, [
                el("h4", { class: "subheading" }, "Diagnostics"),
                el("ul", { class: "diagnostics-list" }, diagnostics.map((message) => el("li", { class: "diagnostic" }, String(message))))
              ])
            : null
        ]);
      }

      function revealBackend(provider, backend) {
        const card = byId("backend-" + idFragment(provider) + "-" + idFragment(backend));
        if (!card) return;
        card.scrollIntoView({ behavior: "smooth", block: "center" });
        card.classList.remove("highlight");
        void card.offsetWidth; // restart the highlight animation
        card.classList.add("highlight");
        card.focus({ preventScroll: true });
      }

      function renderBackend(provider, name, backend, frontends) {
        const status = backend.status && typeof backend.status === "object" ? backend.status : null;
        const method = String((status && status.method) || (backend.loadBalancer && backend.loadBalancer.method) || "wrr").toLowerCase();
        const expression = (backend.circuitBreaker && backend.circuitBreaker.expression) ||
          (status && status.circuitBreaker && status.circuitBreaker.expression) || "";
        const breakerState = status && status.circuitBreaker ? status.circuitBreaker.state : null;
        const serverStatus = (status && status.servers) || {};
        const servers = backend.servers || {};
        const serverNames = sortedKeys(servers);
        const usedBy = sortedKeys(frontends).filter((f) => frontends[f] && frontends[f].backend === name);
        const titleId = "backend-title-" + idFragment(provider) + "-" + idFragment(name);

        return el("article", {
          class: "card backend",
          "data-name": name,
          id: "backend-" + idFragment(provider) + "-" + idFragment(name),
          tabindex: "-1",
          "aria-labelledby": titleId
        }, [
          el("header", { class: "card-header" }, [
            el("h3", { class: "card-title", id: titleId }, name),
            el("div", { class: "badges" }, [
              badge(method.toUpperCase(), "info", "Load balancer: " + (METHOD_DESCRIPTIONS[method] || method)),
              breakerState ? breakerBadge(breakerState) : null
            ])
          ]),
          el("dl", { class: "properties" }, [
            ...property("Load balancer", [el("code", {}, method), " ",
              el("span", { class: "muted" }, METHOD_DESCRIPTIONS[method] ? "(" + METHOD_DESCRIPTIONS[method] + ")" : "")]),
            ...property("Circuit breaker", expression
              ? el("span", { class: "breaker" }, [el("code", { class: "breaker-expression" }, expression),
                  breakerState ? breakerBadge(breakerState) : null])
              : el("span", { class: "muted" }, "none")),
            ...property("Used by", usedBy.length
              ? el("span", { class: "chips" }, usedBy.map((f) => el("span", { class: "chip" }, f)))
              : el("span", { class: "muted" }, "no frontend"))
          ]),
          el("h4", { class: "subheading" }, ["Servers ", el("span", { class: "count" }, String(serverNames.length))]),
          serverNames.length
            ? renderServerTable(serverNames, servers, serverStatus, status !== null)
            : el("p", { class: "muted small" }, "No servers: requests get 503.")
        ]);
      }

      function breakerBadge(breakerState) {
        return el("span", {
          class: "badge breaker-state badge-" + (BREAKER_STATE_TONES[breakerState] || "neutral"),
          "data-state": breakerState,
          title: "Circuit breaker state"
        }, breakerState);
      }

      function renderServerTable(serverNames, servers, serverStatus, hasStatus) {
        const columns = ["Server", "URL", "Weight"].concat(hasStatus ? ["Current weight", "Failure ratio"] : []);
        return el("table", { class: "servers" + (hasStatus ? " with-status" : "") }, [
          el("thead", {}, el("tr", {}, columns.map((column) => el("th", { scope: "col" }, column)))),
          el("tbody", {}, serverNames.map((serverName) => {
            const server = servers[serverName] || {};
            const live = serverStatus[serverName] || null;
            const weight = server.weight || 0;
            const cells = [
              el("th", { scope: "row", class: "server-name", "data-label": "Server" }, serverName),
              el("td", { class: "server-url", "data-label": "URL" }, el("code", {}, String(server.url || "–"))),
              el("td", { class: "server-weight numeric", "data-label": "Weight", title: weight ? null : "0 counts as 1" },
                weight ? String(weight) : "0 (→ 1)")
            ];
            if (hasStatus) {
              cells.push(el("td", { class: "server-current-weight numeric", "data-label": "Current weight" },
                live && typeof live.currentWeight === "number" ? String(live.currentWeight) : "–"));
              cells.push(el("td", { class: "server-failure-ratio", "data-label": "Failure ratio" },
                live && typeof live.failureRatio === "number" ? failureMeter(live.failureRatio) : "–"));
            }
            return el("tr", { class: "server", "data-name": serverName }, cells);
          }))
        ]);
      }

      function failureMeter(ratio) {
        const clamped = Math.max(0, Math.min(1, ratio));
        const tone = clamped >= 0.5 ? "danger" : clamped >= 0.1 ? "warn" : "ok";
        const bar = el("span", { class: "meter-bar" });
        bar.style.width = (clamped * 100).toFixed(1) + "%";
        return el("span", { class: "meter meter-" + tone }, [
          el("span", { class: "meter-track", "aria-hidden": "true" }, bar),
          el("span", { class: "meter-label" }, formatPercent(clamped))
        ]);
      }

      // ---------------------------------------------------------------- health view

      function renderHealth() {
        const health = state.health;
        if (!health) return;
        byId("health-pid").textContent = health.pid === undefined ? "–" : String(health.pid);
        const uptime = byId("health-uptime");
        uptime.textContent = formatUptime(health.uptime_sec);
        uptime.title = health.uptime || "";
        byId("health-total-count").textContent = formatCount(health.total_count);
        byId("health-count").textContent = formatCount(health.count);
        const average = byId("health-average");
        average.textContent = formatSeconds(health.average_response_time_sec);
        average.title = health.average_response_time || "";
        const total = byId("health-total-time");
        total.textContent = formatSeconds(health.total_response_time_sec);
        total.title = health.total_response_time || "";
        byId("health-updated").textContent = "Updated " + formatClock(new Date());
        renderStatusTable();
        renderCharts();
      }

      function renderCharts() {
        renderResponseTimeChart();
        renderStatusCodeChart();
      }

      function chartWidth(container) {
        return Math.max(280, Math.round(container.clientWidth || 640));
      }

      // An axis from 0 with at most 4 round steps (1, 2, 2.5 or 5 times a power of ten) covering maxValue;
      // integer axes (counts) never get fractional steps.
      function axisScale(maxValue, integerSteps) {
        const target = Math.max(maxValue, integerSteps ? 1 : 1e-6) / 4;
        const magnitude = Math.pow(10, Math.floor(Math.log10(target)));
        const candidates = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude)
          .filter((step) => !integerSteps || (step >= 1 && Number.isInteger(step)));
        const step = candidates.find((candidate) => candidate >= target) || 10 * magnitude;
        const ticks = Math.max(1, Math.ceil(maxValue / step - 1e-9));
        return { max: step * ticks, ticks: ticks };
      }

      function chartFrame(width, height, margin, scale, formatTick, label) {
        const plotHeight = height - margin.top - margin.bottom;
        const svg = svgEl("svg", {
          class: "chart-svg",
          viewBox: "0 0 " + width + " " + height,
          width: width,
          height: height,
          "aria-hidden": "true",
          focusable: "false"
        }, svgEl("title", {}, label));
        const ticks = scale.ticks;
        for (let i = 0; i <= ticks; i++) {
          const value = (scale.max * i) / ticks;
          const y = margin.top + plotHeight - (plotHeight * i) / ticks;
          svg.append(svgEl("line", {
            class: i === 0 ? "axis-line" : "grid-line",
            x1: margin.left, x2: width - margin.right, y1: y, y2: y
          }));
          svg.append(svgEl("text", {
            class: "tick-label", x: margin.left - 8, y: y + 4, "text-anchor": "end"
          }, formatTick(value)));
        }
        return svg;
      }

      function emptyChart(container, message) {
        container.replaceChildren(el("p", { class: "chart-empty" }, message));
      }

      function renderResponseTimeChart() {
        const container = byId("response-time-chart");
        const points = state.responseTimes;
        container.dataset.points = String(points.length);
        if (points.length === 0) {
          container.setAttribute("aria-label", "Average response time: waiting for data");
          emptyChart(container, "Waiting for the first /health answer…");
          return;
        }
        const width = chartWidth(container);
        const height = width < 480 ? 200 : 240;
        const margin = { top: 14, right: 14, bottom: 28, left: 64 };
        const plotWidth = width - margin.left - margin.right;
        const plotHeight = height - margin.top - margin.bottom;
        const values = points.map((point) => point.seconds);
        // At least a 1 ms axis, so an idle proxy (all zeros) draws a flat line at the bottom.
        const scale = axisScale(Math.max(Math.max.apply(null, values) * 1.05, 0.001), false);
        const maxValue = scale.max;
        const latest = points[points.length - 1];
        const label = "Average response time over the last " + points.length + " polls: latest " +
          formatSeconds(latest.seconds) + ", highest " + formatSeconds(Math.max.apply(null, values));
        container.setAttribute("aria-label", label);

        const svg = chartFrame(width, height, margin, scale, formatSeconds, label);
        const slots = Math.max(points.length - 1, 1);
        const x = (index) => margin.left + (points.length === 1 ? plotWidth : (plotWidth * index) / slots);
        const y = (value) => margin.top + plotHeight - (plotHeight * value) / maxValue;
        const coordinates = points.map((point, index) => [x(index), y(point.seconds)]);
        const line = coordinates.map((c, i) => (i ? "L" : "M") + c[0].toFixed(1) + " " + c[1].toFixed(1)).join(" ");
        const baseline = (margin.top + plotHeight).toFixed(1);
        if (coordinates.length > 1) {
          svg.append(svgEl("path", {
            class: "chart-area",
            d: line + " L" + coordinates[coordinates.length - 1][0].toFixed(1) + " " + baseline +
              " L" + coordinates[0][0].toFixed(1) + " " + baseline + " Z"
          }));
          svg.append(svgEl("path", { class: "chart-line", d: line }));
        }
        const last = coordinates[coordinates.length - 1];
        svg.append(svgEl("circle", { class: "chart-point", cx: last[0], cy: last[1], r: 4 },
          svgEl("title", {}, formatClock(latest.at) + ": " + formatSeconds(latest.seconds))));

        const axisY = height - 8;
        svg.append(svgEl("text", { class: "tick-label", x: margin.left, y: axisY, "text-anchor": "start" },
          formatClock(points[0].at)));
        if (points.length > 1) {
          svg.append(svgEl("text", { class: "tick-label", x: width - margin.right, y: axisY, "text-anchor": "end" },
            formatClock(latest.at)));
        }
        container.replaceChildren(svg);
      }

      function statusCodes() {
        const counts = (state.health && state.health.total_status_code_count) || {};
        return sortedKeys(counts).map((code) => ({ code: code, count: Number(counts[code]) || 0 }));
      }

      function statusTone(code) {
        const family = String(code).charAt(0);
        return { "1": "info", "2": "ok", "3": "info", "4": "warn", "5": "danger" }[family] || "neutral";
      }

      function renderStatusCodeChart() {
        const container = byId("status-code-chart");
        const codes = statusCodes();
        container.dataset.codes = String(codes.length);
        if (!state.health) return;
        if (codes.length === 0) {
          container.setAttribute("aria-label", "Status codes: no requests yet");
          emptyChart(container, "No requests yet.");
          return;
        }
        const width = chartWidth(container);
        const height = width < 480 ? 200 : 240;
        const margin = { top: 22, right: 14, bottom: 28, left: 64 };
        const plotWidth = width - margin.left - margin.right;
        const plotHeight = height - margin.top - margin.bottom;
        const scale = axisScale(Math.max.apply(null, codes.map((entry) => entry.count)), true);
        const maxValue = scale.max;
        const label = "Responses by status code: " + codes.map((entry) => entry.code + ": " + entry.count).join(", ");
        container.setAttribute("aria-label", label);

        const svg = chartFrame(width, height, margin, scale, formatCount, label);
        const slot = plotWidth / codes.length;
        const barWidth = Math.min(56, slot * 0.6);
        codes.forEach((entry, index) => {
          const barHeight = (plotHeight * entry.count) / maxValue;
          const centre = margin.left + slot * index + slot / 2;
          const top = margin.top + plotHeight - barHeight;
          svg.append(svgEl("rect", {
            class: "bar bar-" + statusTone(entry.code),
            "data-code": entry.code,
            x: (centre - barWidth / 2).toFixed(1),
            y: top.toFixed(1),
            width: barWidth.toFixed(1),
            height: Math.max(barHeight, entry.count > 0 ? 1 : 0).toFixed(1),
            rx: 3
          }, svgEl("title", {}, entry.code + ": " + formatCount(entry.count))));
          svg.append(svgEl("text", { class: "bar-value", x: centre, y: top - 6, "text-anchor": "middle" },
            formatCount(entry.count)));
          svg.append(svgEl("text", { class: "tick-label bar-label", x: centre, y: height - 8, "text-anchor": "middle" },
            entry.code));
        });
        container.replaceChildren(svg);
      }

      function renderStatusTable() {
        const codes = statusCodes();
        const total = codes.reduce((sum, entry) => sum + entry.count, 0);
        const body = document.querySelector("#status-code-table tbody");
        body.replaceChildren(...codes.map((entry) => el("tr", { "data-code": entry.code }, [
          el("th", { scope: "row" }, [el("span", { class: "swatch swatch-" + statusTone(entry.code), "aria-hidden": "true" }), entry.code]),
          el("td", { class: "numeric" }, formatCount(entry.count)),
          el("td", { class: "numeric" }, total ? formatPercent(entry.count / total) : "–")
        ])));
      }

      // ---------------------------------------------------------------- navigation

      function currentView() {
        return location.hash.indexOf("#/health") === 0 ? "health" : "providers";
      }

      function route() {
        const view = currentView();
        byId("providers").hidden = view !== "providers";
        byId("health").hidden = view !== "health";
        for (const link of document.querySelectorAll(".nav-link")) {
          if (link.dataset.view === view) link.setAttribute("aria-current", "page");
          else link.removeAttribute("aria-current");
        }
        document.title = (view === "health" ? "Health" : "Providers") + " · swift-traefik";
        if (view === "health") renderCharts();
      }

      let resizeScheduled = false;
      function onResize() {
        if (resizeScheduled) return;
        resizeScheduled = true;
        requestAnimationFrame(() => {
          resizeScheduled = false;
          if (currentView() === "health") renderCharts();
        });
      }

      function start() {
        byId("filter-input").addEventListener("input", (event) => {
          state.filter = event.target.value.trim().toLowerCase();
          renderProviderPanel();
        });
        window.addEventListener("hashchange", route);
        window.addEventListener("resize", onResize);
        route();
        poll(refreshProviders, PROVIDERS_PERIOD_MS);
        poll(refreshHealth, HEALTH_PERIOD_MS);
      }

      start();
    })();
    """#
}
