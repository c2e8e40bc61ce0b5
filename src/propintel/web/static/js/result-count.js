// Search results: the number of matches, asked from the count API after the page has shown its
// results (counting thousands of matches takes longer than finding a page of them). Without this
// script the "Count the matches" link asks the server to count on the page itself.
(function () {
  const target = document.getElementById("result-count");
  if (!target || !target.dataset.countUrl || !target.querySelector("a")) return;
  const link = target.innerHTML;
  target.textContent = "Counting the matches…";
  fetch(target.dataset.countUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((count) => {
      const figure = document.createElement("strong");
      figure.textContent = count.total.toLocaleString("en-US") + (count.total_capped ? "+" : "");
      const one = count.total === 1 && !count.total_capped;
      target.replaceChildren(figure, one ? " property matches" : " properties match");
    })
    .catch(() => { target.innerHTML = link; });
})();
