// Vite's import suffixes the voice code uses (the renderer does not load vite/client's types).
declare module '*?url' {
  const url: string;
  export default url;
}
declare module '*?worker&url' {
  const url: string;
  export default url;
}
