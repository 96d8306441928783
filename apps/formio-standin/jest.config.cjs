module.exports = {
  displayName: 'formio-standin',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
