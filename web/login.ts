/** The login page: posts the token as JSON; the server answers with the session cookie. */
const form = document.getElementById('login-form') as HTMLFormElement;
const input = document.getElementById('token') as HTMLInputElement;
const problem = document.getElementById('login-error') as HTMLParagraphElement;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  problem.textContent = '';
  void fetch('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: input.value }), credentials: 'same-origin' })
    .then(async (response) => {
      if (response.ok) {
        window.location.assign('/');
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      problem.textContent = body.error ?? `login failed (${response.status})`;
    })
    .catch((error: unknown) => {
      problem.textContent = `cannot reach the server: ${String(error)}`;
    });
});
