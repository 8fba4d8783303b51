import type { Command } from 'commander';
import { register as registerItems } from './register-items';
import { register as breadth } from './breadth';
import { register as scan } from './scan';
import { register as rules } from './rules';
import { register as explain } from './explain';
import { register as activity } from './activity';
import { register as report } from './report';
import { register as collect } from './collect';
import { register as runs } from './runs';
import { register as history } from './history';
import { register as verify } from './verify';
import { register as exportPack } from './export';
import { register as serve } from './serve';
import { register as pseudonym } from './pseudonym';
import { register as retention } from './retention';

/** Every CLI command registers itself here (one file per command). */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [scan, rules, explain, breadth, activity, report, collect, runs, history, verify, exportPack, serve, registerItems, pseudonym, retention];
