'use strict';
// Hivemind's one script: progressive enhancement only. Every page works without it.
//  - data-confirm="Question?" on a form: asks before the form is sent (a button's own
//    data-confirm wins when that button sends it).
//  - data-live="/path" on an element: every data-live-interval ms (default 5000) while the tab is
//    visible, fetches /path (an HTML fragment, same origin) and puts it in place of the element's
//    content, so progress shows without a reload. The element should be an aria-live region.
(() => {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    const submitter = event.submitter;
    const question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  const refresh = async (element) => {
    try {
      const response = await fetch(element.dataset.live, {
        credentials: 'same-origin',
        headers: {'Accept': 'text/html', 'X-Requested-With': 'fetch'},
        cache: 'no-store',
      });
      if (response.ok) {
        const html = await response.text();
        if (html !== element.dataset.liveLast) {
          element.dataset.liveLast = html;
          element.innerHTML = html;
          element.dispatchEvent(new CustomEvent('hivemind:updated', {bubbles: true}));
        }
        element.removeAttribute('data-live-error');
      } else {
        element.setAttribute('data-live-error', String(response.status));
      }
    } catch (e) {
      element.setAttribute('data-live-error', 'offline');
    }
  };

  const start = () => {
    document.querySelectorAll('[data-live]').forEach((element) => {
      const interval = Math.max(1000, Number(element.dataset.liveInterval) || 5000);
      window.setInterval(() => {
        if (document.visibilityState === 'visible') {
          refresh(element);
        }
      }, interval);
    });
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
