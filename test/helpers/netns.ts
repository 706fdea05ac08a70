// Test fixture: re-exports the namespace/veth module the main job also uses
// (src/engine/netns), so tests and the main job create and delete them one way.
export * from '../../src/engine/netns/index.js';
