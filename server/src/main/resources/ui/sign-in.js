'use strict';
// Sends the sign-in form to the JSON API (POST /api/v1/session) and opens the home page on success.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('sign-in');
  if (!form) {
    return;
  }
  const error = document.getElementById('error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const response = await fetch('/api/v1/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({username: form.elements.username.value, password: form.elements.password.value}),
      });
      if (response.ok) {
        window.location.assign('/');
        return;
      }
      const problem = await response.json().catch(() => ({message: 'sign-in failed (HTTP ' + response.status + ')'}));
      error.textContent = problem.message;
    } catch (e) {
      error.textContent = 'the server cannot be reached';
    }
  });
});
