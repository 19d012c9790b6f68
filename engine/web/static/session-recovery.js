/* theodoi: signing in again without leaving the page, for the pages' fetch() calls (form.js).
 *
 * A fetch() answered 401 (the session ended: expired, or logged out in another tab) or 400 "csrf_refused"
 * (a new session was opened in another tab, so this page's CSRF token is stale) calls
 * window.theodoiSession.recover(). It asks the server who this browser is signed in as now (GET /login as
 * JSON); when nobody, it opens a sign-in <dialog> that posts to /login as JSON. When the user signed in is
 * the one the page was opened for (<meta name="theodoi-user">), the fresh CSRF token replaces the page's
 * (<meta name="csrf-token"> and every csrf_token hidden input) and the caller sends its request again;
 * someone else's session never receives what this person typed: the page keeps its stale token.
 *
 * recover() resolves {ok: true}, {ok: false, other: true, fullName}, or {ok: false, cancelled: true}.
 * draft(page) keeps what was typed in a form of that page until it is sent.
 * Loaded by base.html on every page.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var loginUrl = (script && script.getAttribute("data-login-url")) || "/login";
  var pending = null; // one recovery at a time: callers that fail together share it
  var loginToken = ""; // the token of the sign-in itself, kept apart from the page's until the user is known

  function metaContent(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function csrfToken() {
    return metaContent("csrf-token");
  }

  function setToken(token) {
    if (!token) return;
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) meta.setAttribute("content", token);
    Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf_token"]'), function (input) {
      input.value = token;
    });
  }

  // The answer means the session is gone or its token stale: worth signing in again.
  function isLost(status, body) {
    return status === 401 || (status === 400 && !!body && body.error === "csrf_refused");
  }

  function call(method, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = loginToken;
    }
    return fetch(loginUrl, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json || {} };
      });
    });
  }

  // Who is signed in now, and the token to sign in with.
  function identity() {
    return call("GET").then(function (answer) {
      loginToken = answer.body.csrf_token || "";
      return answer;
    });
  }

  // The page takes the new token only for the person it was opened for: with someone else's session it
  // stays stale, so nothing typed here (this form, or a button) is ever sent in their name.
  function outcome(who) {
    var expected = metaContent("theodoi-user");
    if (expected && who.user !== expected) return { ok: false, other: true, fullName: who.full_name || "" };
    setToken(who.csrf_token);
    return { ok: true };
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The sign-in dialog; resolves like recover().
  function signIn() {
    return new Promise(function (resolve) {
      var dialog = el("dialog", { class: "sign-in-dialog", "aria-labelledby": "sign-in-again-title" });
      var form = el("form", { novalidate: "" });
      form.appendChild(el("h2", { id: "sign-in-again-title" }, "Đăng nhập lại"));
      form.appendChild(el("p", {}, "Phiên đăng nhập đã hết hạn. Nội dung bạn nhập vẫn được giữ trên trang; " +
        "đăng nhập lại để gửi tiếp mà không phải nhập lại."));
      var error = el("p", { class: "flash flash-error", role: "alert" });
      error.hidden = true;
      form.appendChild(error);
      var user = el("input", { id: "sign-in-again-user", autocomplete: "username", required: "" });
      user.value = metaContent("theodoi-user");
      var password = el("input", { id: "sign-in-again-password", type: "password", autocomplete: "current-password", required: "" });
      [["sign-in-again-user", "Tên đăng nhập", user], ["sign-in-again-password", "Mật khẩu", password]].forEach(function (f) {
        var field = el("div", { class: "field" });
        field.appendChild(el("label", { for: f[0] }, f[1]));
        field.appendChild(f[2]);
        form.appendChild(field);
      });
      var submit = el("button", { type: "submit", class: "primary" }, "Đăng nhập");
      var cancel = el("button", { type: "button" }, "Hủy");
      var actions = el("div", { class: "actions" });
      actions.appendChild(submit);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(cancel);
      form.appendChild(actions);
      dialog.appendChild(form);
      document.body.appendChild(dialog);

      var settled = false;
      function finish(result) {
        if (settled) return;
        settled = true;
        if (dialog.open) dialog.close();
        dialog.remove();
        resolve(result);
      }
      function show(message) {
        error.textContent = message;
        error.hidden = !message;
      }

      cancel.addEventListener("click", function () { finish({ ok: false, cancelled: true }); });
      dialog.addEventListener("cancel", function (event) {
        event.preventDefault();
        finish({ ok: false, cancelled: true });
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!user.value.trim() || !password.value) {
          show("Nhập tên đăng nhập và mật khẩu.");
          (user.value.trim() ? password : user).focus();
          return;
        }
        submit.disabled = true;
        show("");
        var body = { username: user.value.trim(), password: password.value };
        var attempt = function (retried) {
          return call("POST", body).then(function (answer) {
            if (answer.status === 400 && answer.body.error === "csrf_refused" && !retried) {
              return identity().then(function () { return attempt(true); }); // the token changed meanwhile
            }
            return answer;
          });
        };
        attempt(false)
          .then(function (answer) {
            submit.disabled = false;
            if (answer.status === 200 && answer.body.ok) {
              finish(outcome(answer.body));
              return;
            }
            password.value = "";
            password.focus();
            show(answer.body.message || "Không đăng nhập được (lỗi " + answer.status + ").");
          })
          .catch(function () {
            submit.disabled = false;
            show("Không kết nối được với máy chủ. Vui lòng thử lại.");
          });
      });

      dialog.showModal();
      (user.value ? password : user).focus();
    });
  }

  function recover() {
    if (pending) return pending;
    pending = identity()
      .then(function (answer) {
        if (answer.status === 200 && answer.body.signed_in) return outcome(answer.body);
        return signIn();
      })
      .then(
        function (result) {
          pending = null;
          return result;
        },
        function (error) {
          pending = null;
          throw error;
        }
      );
    return pending;
  }

  // What was typed in a form, kept in sessionStorage (this tab only) until it is sent: per page and per
  // user, so someone else signing in in this tab never gets another person's draft.
  function draft(page) {
    var key = "theodoi-form:" + metaContent("theodoi-user") + ":" + page;
    return {
      read: function () {
        try {
          var text = window.sessionStorage.getItem(key);
          return text ? JSON.parse(text) : null;
        } catch (e) {
          return null; // storage refused (private mode) or garbled: start from the page's data
        }
      },
      save: function (data) {
        try { window.sessionStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* best effort */ }
      },
      drop: function () {
        try { window.sessionStorage.removeItem(key); } catch (e) { /* best effort */ }
      },
    };
  }

  window.theodoiSession = { recover: recover, isLost: isLost, csrfToken: csrfToken, draft: draft };
})();
