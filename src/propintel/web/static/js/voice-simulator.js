// The call simulator: "Speak instead" fills the answer from the browser's speech recognition,
// where the browser has one (the button stays hidden otherwise; typing always works).
(function () {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const button = document.getElementById("sim-mic");
  const field = document.getElementById("sim-speech");
  if (!Recognition || !button || !field) return;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener("click", function () {
    const recognition = new Recognition();
    recognition.lang = document.documentElement.lang === "es" ? "es-US" : "en-US";
    recognition.onresult = function (event) {
      field.value = event.results[0][0].transcript;
    };
    recognition.onend = function () {
      button.textContent = label;
      button.disabled = false;
    };
    button.textContent = button.dataset.listening;
    button.disabled = true;
    recognition.start();
  });
})();
