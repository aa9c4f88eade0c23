// A <select data-autosubmit> submits its form when changed. A file rather than an onchange
// attribute: the Content-Security-Policy allows no inline script.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
