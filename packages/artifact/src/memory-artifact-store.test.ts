import { MemoryArtifactStore } from './memory-artifact-store.js';
import { runArtifactStoreConformance } from './testing/index.js';

runArtifactStoreConformance(() => new MemoryArtifactStore(), { name: 'MemoryArtifactStore' });
