// The scripted model server is the kit's own (make doctor live=1 starts it too): one copy, in scripts/lib/agents/model-server.ts.
export * from '../../../scripts/lib/agents/model-server.ts';
