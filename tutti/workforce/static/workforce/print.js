// The certificate's "Print certificate" button: shown only when this script runs.
for (const holder of document.querySelectorAll("[data-print-button]")) {
  holder.hidden = false;
  holder.querySelector("button")?.addEventListener("click", () => window.print());
}
