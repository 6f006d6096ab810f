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
})();
