'use strict';
// Hivemind's one script: progressive enhancement only. Every page works without it.
//  - data-confirm="Question?" on a form: asks before the form is sent (a button's own
//    data-confirm wins when that button sends it). When the answer is yes and the form has a field
//    named "confirmed", it is set to "yes": the server then skips the confirmation page it shows
//    browsers without JavaScript.
//  - data-live="/path" on an element: while the tab is visible, fetches /path (an HTML fragment,
//    same origin) and puts it in place of the element's content when it changed, so progress shows
//    without a reload. It asks again after the answer's X-Poll-Interval (ms), else after
//    data-live-interval (default 5000); after a failure it waits longer each time (up to 30 s) and
//    shows the page's [data-live-offline] elements until an answer comes. A redirect (the session
//    ended) reloads the page, which then goes to the sign-in page. The focused element keeps the
//    focus (found again by its id). data-live-announce="id": after a change, the text of the new
//    content's [data-announce] goes into that element (an aria-live region outside it), so that
//    screen readers hear one line rather than the whole section.
(() => {
  const MAX_WAIT = 30000;

  document.addEventListener('submit', (event) => {
    const form = event.target;
    const submitter = event.submitter;
    const question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!question) {
      return;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    const confirmed = form.querySelector('input[name="confirmed"]');
    if (confirmed) {
      confirmed.value = 'yes';
    }
  });

  const summary = (element) => {
    const line = element.querySelector('[data-announce]');
    return line ? line.textContent : '';
  };

  const live = (element) => {
    const base = Math.max(1000, Number(element.dataset.liveInterval) || 5000);
    const announcer = element.dataset.liveAnnounce && document.getElementById(element.dataset.liveAnnounce);
    let announced = summary(element);
    let failures = 0;

    const offline = (on) => {
      document.querySelectorAll('[data-live-offline]').forEach((note) => { note.hidden = !on; });
    };

    const replace = (html) => {
      const focused = document.activeElement;
      const id = focused && focused !== element && element.contains(focused) ? focused.id : '';
      element.dataset.liveLast = html;
      element.innerHTML = html;
      const again = id && document.getElementById(id);
      if (again) {
        again.focus();
      }
      const now = summary(element);
      if (announcer && now && now !== announced) {
        announcer.textContent = now;
      }
      announced = now;
      element.dispatchEvent(new CustomEvent('hivemind:updated', {bubbles: true}));
    };

    const schedule = (ms) => window.setTimeout(tick, ms);

    const tick = async () => {
      if (document.visibilityState !== 'visible') {
        schedule(base);
        return;
      }
      let next = base;
      try {
        const response = await fetch(element.dataset.live, {
          credentials: 'same-origin',
          redirect: 'manual',
          headers: {'Accept': 'text/html', 'X-Requested-With': 'fetch'},
          cache: 'no-store',
        });
        if (response.type === 'opaqueredirect' || response.status === 401) {
          window.location.reload();
          return;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        const html = await response.text();
        if (html !== element.dataset.liveLast) {
          replace(html);
        }
        element.removeAttribute('data-live-error');
        offline(false);
        failures = 0;
        const suggested = Number(response.headers.get('X-Poll-Interval'));
        next = suggested >= 1000 ? suggested : base;
      } catch (e) {
        element.setAttribute('data-live-error', (e && e.message) || 'offline');
        offline(true);
        failures += 1;
        next = Math.min(MAX_WAIT, base * 2 ** failures);
      }
      schedule(next);
    };

    schedule(base);
  };

  const start = () => {
    document.querySelectorAll('[data-live]').forEach(live);
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
