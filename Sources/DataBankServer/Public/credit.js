// The credit look-up's suggestions: as the visitor types a name, ask the look-up service named in
// the input's data-suggest (a JSON endpoint) and offer the hits in the input's datalist — each
// option is an enterprise's credit code, labelled with its name, so choosing one opens its page.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !input.getAttribute("data-suggest")) return;
  var list = document.getElementById(input.getAttribute("list"));
  var endpoint = input.getAttribute("data-suggest");
  var timer = null, asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (!text || text === asked || /^[0-9A-Z]{18}$/.test(text)) return;
      asked = text;
      fetch(endpoint + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          if (text !== asked) return;  // a later keystroke asked again
          list.textContent = "";
          (body.items || []).forEach(function (item) {
            if (!item.credit_code) return;
            var option = document.createElement("option");
            option.value = item.credit_code;
            option.label = item.enterprise_name || item.credit_code;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
