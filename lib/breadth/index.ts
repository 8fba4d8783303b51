/** Permission breadth: how much each principal can do, statically, from its identity policies. */
export * from './catalog';
export * from './effective';
export * from './escalation';
export * from './metrics';
export * from './analyze';
export * from './trend';
