// Tailwind 4 runs as a PostCSS plugin; there is no tailwind.config file.
const config = { plugins: { "@tailwindcss/postcss": {} } };

export default config;
