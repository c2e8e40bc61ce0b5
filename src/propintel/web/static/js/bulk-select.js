// Search results: "Select all on this page" and a live count of the selected results for the
// "Save selected as leads" form (the checkboxes belong to that form through their form attribute,
// so it works without this script too, one box at a time).
(function () {
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const all = document.getElementById("select-all");
  const count = document.getElementById("selected-count");
  const picks = () => Array.from(document.querySelectorAll('input.pick[form="bulk-form"]'));
  // Texts in the page's language (search/_map_assets.html), English without them.
  const source = document.getElementById("search-texts");
  const texts = Object.assign(
    { selected_one: "1 selected", selected_many: "{count} selected", select_first: "Select at least one result first." },
    source ? JSON.parse(source.textContent) : {},
  );

  function update() {
    const chosen = picks().filter((box) => box.checked).length;
    count.textContent = chosen === 1 ? texts.selected_one : texts.selected_many.replace("{count}", chosen);
    all.checked = chosen > 0 && chosen === picks().length;
    all.indeterminate = chosen > 0 && chosen < picks().length;
  }

  all.addEventListener("change", () => {
    picks().forEach((box) => { box.checked = all.checked; });
    update();
  });
  picks().forEach((box) => box.addEventListener("change", update));
  form.addEventListener("submit", (event) => {
    if (!picks().some((box) => box.checked)) {
      event.preventDefault();
      count.textContent = texts.select_first;
    }
  });
  update();
})();
