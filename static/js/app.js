// Sơn Dương poverty-reduction system: small behaviours without a framework (htmx does the rest).
(function () {
  "use strict";
  // Warn before leaving a form with unsaved changes.
  let dirty = false;
  document.addEventListener("input", (e) => { if (e.target.closest("form[data-warn-unsaved]")) dirty = true; });
  document.addEventListener("submit", (e) => { if (e.target.matches("form[data-warn-unsaved]")) dirty = false; });
  window.addEventListener("beforeunload", (e) => {
    if (dirty) { e.preventDefault(); e.returnValue = "Bạn có thay đổi chưa lưu. Rời trang sẽ mất các thay đổi này."; }
  });
  // Add a form to a Django formset from its <template id="PREFIX-empty">.
  document.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-add-form]");
    if (!btn) return;
    const prefix = btn.dataset.addForm;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const tpl = document.getElementById(`${prefix}-empty`);
    const box = document.querySelector(`[data-formset="${prefix}"]`);
    if (!total || !tpl || !box) return;
    const index = parseInt(total.value, 10);
    box.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    dirty = true;
  });
  // The header menu's groups (<details data-navgroup>, usable without this script): one open at a time; a click
  // elsewhere, Escape or moving the focus away closes them; on a phone, opening the menu unfolds the current group.
  const navGroups = () => document.querySelectorAll("details[data-navgroup]");
  document.addEventListener("toggle", (e) => {
    const d = e.target;
    if (!d.matches || !d.matches("details[data-navgroup]") || !d.open) return;
    navGroups().forEach((other) => { if (other !== d) other.open = false; });
  }, true);
  document.addEventListener("click", (e) => {
    if (e.target.closest(".menu-toggle")) {
      const current = document.querySelector("details[data-navgroup].has-active");
      if (current && document.body.classList.contains("nav-open")) current.open = true;
      return;
    }
    if (!e.target.closest("details[data-navgroup]")) navGroups().forEach((d) => { d.open = false; });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    const open = document.querySelector("details[data-navgroup][open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("focusout", (e) => {
    const d = e.target.closest && e.target.closest("details[data-navgroup][open]");
    if (d && e.relatedTarget && !d.contains(e.relatedTarget)) d.open = false;
  });
  // Money boxes (data-money) group thousands with dots as the officer types (84240000 → 84.240.000); the server
  // reads either form. Anything that is not a plain amount is left as typed, for the form to flag.
  document.addEventListener("input", (e) => {
    const box = e.target;
    if (!box.matches || !box.matches("input[data-money]")) return;
    const digits = box.value.replace(/[.\s]/g, "");
    if (!/^\d+$/.test(digits)) return;
    const fromEnd = box.value.length - (box.selectionEnd ?? box.value.length);
    const grouped = digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    if (grouped === box.value) return;
    box.value = grouped;
    const at = Math.max(0, grouped.length - fromEnd);
    try { box.setSelectionRange(at, at); } catch (err) { /* not focusable */ }
  });
  // The support form: choosing a policy sets the funding source to that policy's usual one, unless the officer
  // has chosen a source by hand.
  document.addEventListener("change", (e) => {
    const el = e.target;
    if (!el.matches) return;
    if (el.matches("select[name=funding_source]")) { el.dataset.chosen = "1"; return; }
    if (!el.matches("select[name=policy]")) return;
    const map = document.getElementById("policy-sources");
    const source = el.form && el.form.querySelector("select[name=funding_source]");
    if (!map || !source || source.dataset.chosen) return;
    const usual = JSON.parse(map.textContent)[el.value];
    if (usual) source.value = usual;
  });
  // No inline scripts (the Content-Security-Policy allows only this file): the pages' small behaviours are data
  // attributes. data-autosubmit on a select (or a form): a change submits the form; data-confirm on a form or a
  // submit button: asks first; data-print: prints; data-toggle-open: toggles "open" on the closest match;
  // data-nav-toggle: the phone menu.
  document.addEventListener("change", (e) => {
    const el = e.target;
    if (!el.form || !(el.matches("[data-autosubmit]") || el.form.matches("[data-autosubmit]"))) return;
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  });
  document.addEventListener("submit", (e) => {
    const form = e.target;
    const button = e.submitter;
    const text = (button && button.dataset.confirm) || form.dataset.confirm;
    if (text && !window.confirm(text)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("click", (e) => {
    const el = e.target.closest && e.target.closest("[data-print], [data-toggle-open], [data-nav-toggle]");
    if (!el) return;
    if (el.hasAttribute("data-print")) { window.print(); return; }
    if (el.hasAttribute("data-toggle-open")) { const box = el.closest(el.dataset.toggleOpen); if (box) box.classList.toggle("open"); return; }
    document.body.classList.toggle("nav-open");
    el.setAttribute("aria-expanded", String(document.body.classList.contains("nav-open")));
  });
  // Dashboard tables print open.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.dash-table").forEach((d) => { d.dataset.wasOpen = d.open ? "1" : ""; d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details.dash-table").forEach((d) => { d.open = d.dataset.wasOpen === "1"; });
  });
})();
