// Search results: the number of matches, asked from the count API after the page has shown its
// results (counting thousands of matches takes longer than finding a page of them). Without this
// script the "Count the matches" link asks the server to count on the page itself.
(function () {
  const target = document.getElementById("result-count");
  if (!target || !target.dataset.countUrl || !target.querySelector("a")) return;
  const source = document.getElementById("search-texts");  // the page's language
  const texts = Object.assign(
    { locale: "en", counting: "Counting the matches…", property_matches: "property matches", properties_match: "properties match" },
    source ? JSON.parse(source.textContent) : {},
  );
  const link = target.innerHTML;
  target.textContent = texts.counting;
  fetch(target.dataset.countUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((count) => {
      const figure = document.createElement("strong");
      figure.textContent = count.total.toLocaleString(texts.locale) + (count.total_capped ? "+" : "");
      const one = count.total === 1 && !count.total_capped;
      target.replaceChildren(figure, " " + (one ? texts.property_matches : texts.properties_match));
    })
    .catch(() => { target.innerHTML = link; });
})();
