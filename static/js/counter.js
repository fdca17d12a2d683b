// Scan the shopper's QR code with the phone's camera: the browser's BarcodeDetector where
// it exists, the vendored jsQR otherwise. The code found is looked up like a typed one.
document.addEventListener("DOMContentLoaded", () => {
  const start = document.querySelector("[data-scan]");
  const stop = document.querySelector("[data-scan-stop]");
  const camera = document.getElementById("camera");
  const video = document.getElementById("camera-video");
  const status = document.getElementById("scan-status");
  const form = document.getElementById("find-form");
  if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  start.hidden = false;
  let stream = null;
  let detector = null;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
  }
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  function finish() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    camera.hidden = true;
  }
  function found(text) {
    const code = (text || "").trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
    if (!code) return false;
    finish();
    form.querySelector("[name=code]").value = code;
    form.requestSubmit();
    return true;
  }
  async function look() {
    if (!stream) return;
    if (video.readyState >= 2) {
      if (detector) {
        try {
          const codes = await detector.detect(video);
          if (codes.length && found(codes[0].rawValue)) return;
        } catch (e) { detector = null; }
      }
      if (!detector && window.jsQR) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const result = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (result && found(result.data)) return;
      }
    }
    requestAnimationFrame(look);
  }
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) {
      status.textContent = start.dataset.denied || "";
      return;
    }
    video.srcObject = stream;
    camera.hidden = false;
    await video.play();
    requestAnimationFrame(look);
  });
  stop.addEventListener("click", finish);
});
