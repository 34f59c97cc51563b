// cauterize review console: keyboard shortcuts, click-to-reveal media, greyscale. No dependencies.
(function () {
  "use strict";
  const body = document.body;
  if (localStorage.getItem("cz-grey") === "1") body.classList.add("grey");
  const grey = document.getElementById("grey-toggle");
  function toggleGrey() {
    body.classList.toggle("grey");
    localStorage.setItem("cz-grey", body.classList.contains("grey") ? "1" : "0");
  }
  if (grey) grey.addEventListener("click", toggleGrey);

  // Media stay blurred until clicked; a second click blurs again.
  document.addEventListener("click", function (ev) {
    const m = ev.target.closest(".media");
    if (m) { m.classList.toggle("blurred"); ev.preventDefault(); }
  });

  // Queue rows: click anywhere on a row; j/k move the selection, Enter opens.
  const rows = Array.from(document.querySelectorAll("tr.row[data-href]"));
  let sel = -1;
  rows.forEach(function (r, i) {
    r.addEventListener("click", function (ev) { if (!ev.target.closest("a")) location.href = r.dataset.href; });
  });
  function select(i) {
    if (!rows.length) return;
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("sel", j === sel); });
    rows[sel].scrollIntoView({ block: "nearest" });
  }

  function press(id) {
    const el = document.getElementById(id);
    if (el) { el.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    switch (ev.key) {
      case "j": select(sel + 1); break;
      case "k": select(sel - 1); break;
      case "Enter": if (sel >= 0) location.href = rows[sel].dataset.href; else press("confirm-action"); break;
      case "s": press("act-suspend"); break;
      case "l": press("act-restrict"); break;
      case "d": if (confirm("Dismiss this case?")) press("act-dismiss"); break;
      case "e": if (confirm("Escalate this case?")) press("act-escalate"); break;
      case "n": press("next-case"); break;
      case "a": location.hash = "#audit"; break;
      case "g": toggleGrey(); break;
      case "v": document.querySelectorAll(".media").forEach(function (m) { m.classList.toggle("blurred"); }); break;
      default: return;
    }
    ev.preventDefault();
  });
})();
