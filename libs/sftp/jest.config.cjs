module.exports = {
  displayName: 'sftp',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
