// DataBank portal: small enhancements; every page works without them.
(function () {
  "use strict";

  // "Add an item" on the resource form: clone the row template with the next index.
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = document.getElementById(button.getAttribute("data-add-row"));
      var template = document.getElementById("item-row-template");
      if (!body || !template) return;
      var next = 0;
      body.querySelectorAll("[name^='items[']").forEach(function (input) {
        var m = /^items\[(\d+)\]/.exec(input.name);
        if (m) next = Math.max(next, Number(m[1]) + 1);
      });
      var html = template.innerHTML.replace(/__i__/g, String(next));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      body.appendChild(row);
      var first = row.querySelector("input");
      if (first) first.focus();
    });
  });

  // Picking a standard code fills the item's data type, length and sensitivity.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-standard-input]")) return;
    var option = document.querySelector("#standard-codes option[value='" + CSS.escape(input.value.trim()) + "']");
    if (!option) return;
    var prefix = input.name.replace(/\[standardCode\]$/, "");
    var set = function (field, value) {
      var el = document.querySelector("[name='" + prefix + "[" + field + "]']");
      if (el && value && (!el.value || field !== "length")) el.value = value;
    };
    set("dataType", option.getAttribute("data-type"));
    set("length", option.getAttribute("data-length"));
    set("sensitivity", option.getAttribute("data-sensitivity"));
  });

  // The classification defaults to the code's part before the hyphen.
  var code = document.querySelector("input[name='code']:not([readonly])");
  var cls = document.querySelector("input[name='classification']");
  if (code && cls) {
    code.addEventListener("input", function () {
      var m = /^(\d{1,12})-/.exec(code.value.trim());
      if (m && (!cls.value || cls.dataset.auto === "1")) { cls.value = m[1]; cls.dataset.auto = "1"; }
      var kind = document.querySelector("select[name='catalogKind']");
      var kinds = { "1": "base", "2": "thematic", "3": "departmental" };
      if (m && kind && kinds[m[1][0]]) kind.value = kinds[m[1][0]];
    });
  }
})();

// A live stream map: follow the change feed (Server-Sent Events) and move each entity's dot.
(function () {
  "use strict";
  var map = document.querySelector("svg[data-feed]");
  if (!map || !window.EventSource) return;
  var box = map.getAttribute("data-box").split(",").map(Number);
  var lon = map.getAttribute("data-lon"), lat = map.getAttribute("data-lat"), entity = map.getAttribute("data-entity");
  var w = map.viewBox.baseVal.width, h = map.viewBox.baseVal.height;
  var feed = new EventSource(map.getAttribute("data-feed"));
  feed.addEventListener("change", function (event) {
    var change = JSON.parse(event.data);
    if (!change.data) return;
    var id = String(change.data[entity]), x = Number(change.data[lon]), y = Number(change.data[lat]);
    if (!isFinite(x) || !isFinite(y)) return;
    var dot = map.querySelector("circle[data-id='" + CSS.escape(id) + "']");
    if (!dot) {
      dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("r", "4");
      dot.setAttribute("data-id", id);
      map.appendChild(dot);
    }
    dot.setAttribute("cx", ((x - box[0]) / (box[1] - box[0]) * w).toFixed(1));
    dot.setAttribute("cy", ((box[3] - y) / (box[3] - box[2]) * h).toFixed(1));
    dot.classList.add("moved");
  });
})();

// Upload with progress: the form is posted by XMLHttpRequest so the bytes sent can be shown; the
// server answers with a 303 to the load's result page, which the browser then opens (a GET, so a
// refresh never loads again). Without script the form posts as usual and ends on the same page.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    if (!window.XMLHttpRequest || !window.FormData) return;
    var box = form.querySelector(".upload-progress");
    if (!box) return;
    var bar = box.querySelector("progress"), text = box.querySelector(".upload-progress-text");
    var size = function (n) {
      if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
      if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
      return n + " B";
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      var token = form.querySelector("input[name=_csrf]");
      if (token) xhr.setRequestHeader("X-CSRF-Token", token.value);
      box.hidden = false;
      if (button) button.disabled = true;
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) { text.textContent = form.getAttribute("data-sending") + " " + size(e.loaded); return; }
        var percent = Math.floor(e.loaded / e.total * 100);
        bar.value = percent;
        text.textContent = form.getAttribute("data-sending") + " " + size(e.loaded) + " / " + size(e.total) + " (" + percent + "%)";
      };
      xhr.upload.onload = function () {
        bar.value = 100;
        bar.removeAttribute("value");  // indeterminate while the server loads and checks
        text.textContent = form.getAttribute("data-processing");
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);  // the result page the 303 pointed to
          return;
        }
        // A refusal comes back as the page with its messages: show it as the plain form would.
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = page.title;
        document.body.replaceWith(document.adoptNode(page.body));
        window.scrollTo(0, 0);
      };
      xhr.onerror = function () {
        text.textContent = form.getAttribute("data-failed");
        if (button) button.disabled = false;
      };
      xhr.send(data);
    });
  });

  // The chart builder: redraw the server's preview on each change (the form's Preview button does
  // the same without script). A new resource reloads the builder with its items.
  document.querySelectorAll("form[data-chart-builder]").forEach(function (form) {
    var target = document.getElementById("chart-preview");
    if (!target) return;
    var timer = null, seq = 0;
    function params() {
      var data = new FormData(form), q = new URLSearchParams();
      data.forEach(function (value, key) { if (key !== "_csrf" && key !== "action") q.append(key, value); });
      var lang = new URLSearchParams(location.search).get("lang");
      if (lang) q.set("lang", lang);
      return q;
    }
    function refresh() {
      var mine = ++seq;
      fetch(form.getAttribute("data-chart-builder") + "?" + params().toString(), { credentials: "same-origin" })
        .then(function (res) {
          return res.text().then(function (text) { return { ok: res.ok, text: text }; });
        })
        .then(function (r) {
          if (mine !== seq) return;
          if (r.ok) {
            var doc = new DOMParser().parseFromString(r.text, "image/svg+xml");
            target.replaceChildren(document.importNode(doc.documentElement, true));
          } else {
            var message = r.text;
            try { var e = JSON.parse(r.text).error; message = (e.details && e.details[0] && e.details[0].message) || e.message; } catch (x) {}
            var p = document.createElement("p");
            p.className = "tile-denied";
            p.textContent = message;
            target.replaceChildren(p);
          }
        });
    }
    form.addEventListener("change", function (event) {
      if (event.target && event.target.hasAttribute("data-chart-resource")) {
        var q = params();
        location.assign(location.pathname + "?" + q.toString());
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    if (form.querySelector("[name=group]")) refresh();
  });

  // Dashboards: each tile refreshes itself on the dashboard's interval, without reloading the page.
  document.querySelectorAll("[data-refresh-url][data-refresh]").forEach(function (tile) {
    var seconds = Number(tile.getAttribute("data-refresh"));
    if (!(seconds >= 30)) return;
    setInterval(function () {
      if (document.hidden) return;
      fetch(tile.getAttribute("data-refresh-url") + location.search, { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.body.firstElementChild;
          if (fresh) tile.replaceChildren.apply(tile, Array.prototype.slice.call(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
        });
    }, seconds * 1000);
  });
})();

// The staff menus open without script (<details>); here one open menu closes the others (browsers
// without the `name` attribute's exclusivity), and a click outside, Escape or tabbing away closes it.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.nav-group"));
  if (!groups.length) return;
  function close(group, refocus) {
    if (!group.open) return;
    group.open = false;
    if (refocus) group.querySelector("summary").focus();
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) groups.forEach(function (other) { if (other !== group) close(other, false); });
    });
    group.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !group.contains(event.relatedTarget)) close(group, false);
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (!group.contains(event.target)) close(group, false); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) { close(group, group.contains(document.activeElement)); });
  });
})();

// Joint checks' window (联办核验): the applicant's form is posted asking for NDJSON, and each
// department's row is filled as its service answers, then the result. Without script the form posts
// as usual and the page comes back whole. A refused form comes back as the page with its messages.
(function () {
  "use strict";
  var bindPrint = function (root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  };
  bindPrint(document);
  var form = document.querySelector("form[data-joint-window]");
  if (!form || !window.fetch || !window.TextDecoder || !window.URLSearchParams) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    var verdict = document.getElementById("joint-verdict");
    var rows = document.querySelectorAll("tr[data-step]");
    verdict.innerHTML = "";
    rows.forEach(function (row) {
      row.classList.remove("answered");
      row.classList.add("asking");
      var cell = row.querySelector("[data-answer]");
      if (cell) cell.textContent = form.getAttribute("data-asking");
    });
    if (button) button.disabled = true;
    var token = form.querySelector("input[name=_csrf]");
    var take = function (line) {
      if (!line) return;
      var message = JSON.parse(line);
      if (message.step !== undefined) {
        var row = document.querySelector('tr[data-step="' + message.step + '"]');
        if (!row) return;
        row.innerHTML = message.html;
        row.classList.remove("asking");
        row.classList.add("answered");
      } else if (message.done) {
        verdict.innerHTML = message.html;
        bindPrint(verdict);
      }
    };
    fetch(form.action, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/x-ndjson", "X-CSRF-Token": token ? token.value : "" }
    }).then(function (response) {
      if ((response.headers.get("Content-Type") || "").indexOf("ndjson") < 0 || !response.body) {
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          document.title = page.title;
          document.body.replaceWith(document.adoptNode(page.body));
          window.scrollTo(0, 0);
        });
      }
      var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
      var pump = function () {
        return reader.read().then(function (chunk) {
          if (chunk.done) { take(buffer.trim()); return; }
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split("\n");
          buffer = lines.pop();
          lines.forEach(take);
          return pump();
        });
      };
      return pump();
    }).catch(function () {
      verdict.innerHTML = "";
      var p = document.createElement("p");
      p.className = "banner banner-error";
      p.textContent = form.getAttribute("data-failed");
      verdict.appendChild(p);
    }).then(function () {
      if (button) button.disabled = false;
    });
  });
})();
