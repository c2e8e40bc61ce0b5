// Drag a card to another column of the lead board: the card's own move form is submitted with
// the target status, so dragging does exactly what the buttons on the card do (server-validated).
(function () {
  "use strict";
  var dragged = null;
  document.querySelectorAll(".lead-card").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.leadId);
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
    });
  });
  document.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged && dragged.dataset.status !== column.dataset.status) {
        event.preventDefault();
        column.classList.add("drop-target");
      }
    });
    column.addEventListener("dragleave", function () {
      column.classList.remove("drop-target");
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      if (!dragged || dragged.dataset.status === column.dataset.status) return;
      var form = dragged.querySelector("form.moves");
      var input = form.querySelector("input.drag-status");
      input.disabled = false;
      input.value = column.dataset.status;
      form.submit();
    });
  });
})();
