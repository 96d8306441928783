declare module 'swagger-ui-dist/absolute-path.js' {
  /** The absolute path of swagger-ui-dist's folder. */
  const getAbsoluteFSPath: () => string;
  export default getAbsoluteFSPath;
}
