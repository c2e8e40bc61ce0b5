// The assistant's chat form: the answer streams in as the assistant writes it (the server sends
// newline-delimited JSON: start, delta…, then done or error), then the conversation page opens
// at the stored answer, with its cost and the "Save as script" button. Without this script the
// form posts normally and the page waits for the whole answer.
(function () {
  const form = document.querySelector("[data-chat-form]");
  if (!form || !window.fetch || !window.TextDecoder) return;
  const live = document.querySelector("[data-chat-live]");
  const text = live.querySelector("[data-chat-text]");
  const status = form.querySelector("[data-chat-status]");
  const error = form.querySelector("[data-chat-error]");
  const button = form.querySelector("[data-chat-submit]");
  const words = form.dataset;  // the page's language: data-writing, data-held, data-failed
  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    status.textContent = "";
    button.disabled = false;
    live.setAttribute("aria-busy", "false");
  }

  let ended = false;  // a done or error event arrived

  function handle(event) {
    if (event.type === "done" || event.type === "error") ended = true;
    if (event.type === "start") {
      status.textContent = words.writing + " (" + event.credits_held + " " + words.held + ")";
    } else if (event.type === "delta") {
      text.textContent += event.text;
    } else if (event.type === "done") {
      const page = "/assistant/chat/" + event.conversation_id;
      const answer = page + "#message-" + event.message_id;
      if (window.location.pathname === page) {  // a follow-up: only the hash would change
        window.history.replaceState(null, "", answer);
        window.location.reload();
      } else {
        window.location.assign(answer);
      }
    } else if (event.type === "error") {
      fail(event.message);
    }
  }

  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    error.hidden = true;
    button.disabled = true;
    text.textContent = "";
    ended = false;
    live.hidden = false;
    live.setAttribute("aria-busy", "true");
    status.textContent = words.writing;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/x-ndjson" },
        credentials: "same-origin",
      });
    } catch (_) {
      fail(words.failed);
      return;
    }
    if (!response.ok) {
      let detail = words.failed;
      try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
      live.hidden = true;
      fail(typeof detail === "string" ? detail : words.failed);
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, end).trim();
          buffered = buffered.slice(end + 1);
          if (line) handle(JSON.parse(line));
        }
      }
    } catch (_) { /* the connection broke: said below */ }
    if (!ended) fail(words.failed);  // the connection closed mid-answer
  });
})();
