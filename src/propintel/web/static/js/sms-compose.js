// The SMS form: a template fills the text (rendered for this owner by the server), and the count
// of characters, segments and tokens follows the text as it is typed. The server counts again
// when it previews or sends: this is only a guide. Segments as in integrations/sms.py: GSM 03.38
// (extension characters count two) 160 / 153 per segment, anything else UCS-2 70 / 67.
(function () {
  const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const GSM_EXTENSION = "\f^{}\\[~]|€";

  function segments(text) {
    if (!text) return 0;
    const chars = Array.from(text);
    const gsm = chars.every((c) => GSM_BASIC.includes(c) || GSM_EXTENSION.includes(c));
    const units = chars.map((c) => (gsm ? (GSM_EXTENSION.includes(c) ? 2 : 1) : c.length));
    const [single, multi] = gsm ? [160, 153] : [70, 67];
    if (units.reduce((a, b) => a + b, 0) <= single) return 1;
    let count = 1, used = 0;
    for (const size of units) {
      if (used + size > multi) { count += 1; used = 0; }
      used += size;
    }
    return count;
  }

  document.querySelectorAll("[data-sms-form]").forEach((form) => {
    const body = form.querySelector("[data-sms-body]");
    const picker = form.querySelector("[data-sms-template]");
    const problem = form.querySelector("[data-sms-problem]");
    const count = form.querySelector("[data-sms-count]");
    let filled = "";  // the text the last template put in, to know whether the user edited it

    function update() {
      const text = body.value.trim();
      if (!text) return;
      const n = segments(text);
      const price = Number(count.dataset.price || 0);
      const template = n === 1 ? count.dataset.one : count.dataset.many;
      count.textContent = template
        .replace("{characters}", Array.from(text).length.toLocaleString(document.documentElement.lang))
        .replace("{segments}", n)
        .replace("{tokens}", (n * price).toLocaleString(document.documentElement.lang));
    }

    function applyTemplate() {
      const option = picker.selectedOptions[0];
      problem.textContent = option ? option.dataset.problem || "" : "";
      if (!option || !option.value) return;
      if (body.value.trim() === "" || body.value === filled) {
        body.value = option.dataset.text || "";
        filled = body.value;
      }
      update();
    }

    picker.addEventListener("change", applyTemplate);
    body.addEventListener("input", update);
    // A template chosen before this script ran (a fast click, or the browser restoring the form
    // on "back") still fills an empty text.
    if (picker.value && body.value.trim() === "") applyTemplate();
    update();
  });
})();
