// Optional proof of work for the tribute form: an enhancement only. Without
// JavaScript the form works the same; with it, the browser spends about a
// second finding a nonce, which earns a larger sending allowance. Nothing is
// sent anywhere but this site.
(function () {
  "use strict";
  var BITS = 18;
  function zeroBits(bytes) {
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { n++; b <<= 1; }
      break;
    }
    return n;
  }
  async function solve(token) {
    var enc = new TextEncoder();
    for (var nonce = 0; nonce < 50000000; nonce++) {
      var h = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(token + ":" + nonce)));
      if (zeroBits(h) >= BITS) return String(nonce);
    }
    return "";
  }
  if (!window.crypto || !crypto.subtle || !window.TextEncoder) return;
  var inputs = document.querySelectorAll("input[data-pow]");
  Array.prototype.forEach.call(inputs, function (input) {
    var form = input.form;
    if (!form) return;
    var solved = false;
    form.addEventListener("submit", function (ev) {
      if (solved) return;
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      solve(input.getAttribute("data-pow") || "").then(function (nonce) {
        input.value = nonce;
        solved = true;
        form.submit();
      }, function () {
        solved = true;
        form.submit();
      });
    });
  });
})();
