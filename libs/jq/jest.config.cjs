module.exports = {
  displayName: 'jq',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
