// A "select all" checkbox: <input type="checkbox" data-select-all="NAME"> ticks every input[name=NAME].
// (No inline handlers: the Content-Security-Policy allows scripts from /static only.)
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  for (const other of document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)) {
    other.checked = box.checked;
  }
});
