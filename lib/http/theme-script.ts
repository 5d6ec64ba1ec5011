/**
 * Applies the saved (or system) theme before first paint, so dark mode never flashes white. Inline in every page's
 * head (app/layout.tsx); the Content-Security-Policy allows it by its hash (proxy.ts), so it needs no nonce and
 * prerendered pages can carry it.
 */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem("theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;
