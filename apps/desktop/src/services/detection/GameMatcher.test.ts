// Matching running programs against the detectable list the way Discord does: path suffixes on
// segment boundaries, case-insensitive, launchers never games, the longest entry wins; and the paths
// Linux processes are recognised by under Wine, Proton and Flatpak.
import type { APIDetectableApplication } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { linuxCandidatePaths, macBundlePath, normalizeExecutablePath, unixPathFromWine } from './executablePaths.ts';
import { endsWithSegments, GameMatcher } from './GameMatcher.ts';

const app = (id: string, name: string, executables: [os: string, name: string, launcher?: boolean][]): APIDetectableApplication => ({
  id,
  name,
  executables: executables.map(([os, exe, launcher = false]) => ({ os, name: exe, is_launcher: launcher })),
  aliases: [],
  hook: true,
  overlay: true,
  overlay_warn: false,
  overlay_compatibility_hook: false,
  summary: '',
  icon_hash: null,
});

const LIST = [
  app('1', 'Counter-Strike 2', [['win32', 'game/bin/win64/cs2.exe'], ['linux', 'game/bin/linuxsteamrt64/cs2']]),
  app('2', 'Minigame Party', [['win32', 'minigame.exe']]),
  app('3', 'Game', [['win32', 'bin/game.exe'], ['darwin', 'game.app']]),
  app('4', 'Path of Exile', [['win32', 'path of exile/pathofexile.exe']]),
  app('5', 'Path of Exile 2', [['win32', 'path of exile 2/pathofexile.exe']]),
  app('6', 'Steam', [['win32', 'steam.exe', true], ['linux', 'steam', true], ['linux', 'ubuntu12_32/steam', true]]),
  app('7', 'Shooter', [['win32', 'shooter.exe'], ['win32', 'launcher/shooter.exe', true]]),
  app('8', 'Mac Only', [['darwin', 'maconly']]),
  app('9', 'Console', [['xbox', 'game.exe']]),
];

const on = (platform: string, registered: { name: string; executable: string }[] = []) => {
  const matcher = new GameMatcher(LIST, platform, registered);
  return (...paths: string[]) => matcher.match(paths.map(normalizeExecutablePath))?.name ?? null;
};

describe('GameMatcher', () => {
  it('matches an entry that is a suffix of the path on a segment boundary', () => {
    const linux = on('linux');
    expect(linux('/home/u/.local/share/Steam/steamapps/common/Counter-Strike Global Offensive/game/bin/linuxsteamrt64/cs2')).toBe('Counter-Strike 2');
    expect(linux('/home/u/Games/X/bin/game.exe')).toBe('Game');
    expect(linux('/home/u/Games/X/game.exe')).toBeNull(); // `bin/game.exe` needs the bin/ segment
    expect(linux('/home/u/Games/X/bin/minigame.exe')).toBe('Minigame Party'); // not "Game": `bin/game.exe` is not a segment suffix
    expect(endsWithSegments('a/bin/minigame.exe', 'game.exe')).toBe(false);
    expect(endsWithSegments('game.exe', 'game.exe')).toBe(true);
  });

  it('ignores case and Windows separators', () => {
    const win = on('win32');
    expect(win('C:\\Program Files (x86)\\Steam\\steamapps\\common\\X\\BIN\\Game.EXE')).toBe('Game');
    expect(win('D:\\Games\\CS2\\game\\bin\\win64\\CS2.exe')).toBe('Counter-Strike 2');
  });

  it('never reports a launcher, and a more specific launcher entry beats a game entry of the same file name', () => {
    const win = on('win32');
    expect(win('C:\\Program Files (x86)\\Steam\\steam.exe')).toBeNull();
    expect(on('linux')('/home/u/.local/share/Steam/ubuntu12_32/steam')).toBeNull();
    expect(win('C:\\Games\\Shooter\\shooter.exe')).toBe('Shooter');
    expect(win('C:\\Games\\Shooter\\launcher\\shooter.exe')).toBeNull();
  });

  it('prefers the longest matching entry (Path of Exile 2 is not Path of Exile)', () => {
    const win = on('win32');
    expect(win('C:\\Games\\Path of Exile 2\\PathOfExile.exe')).toBe('Path of Exile 2');
    expect(win('C:\\Games\\Path of Exile\\PathOfExile.exe')).toBe('Path of Exile');
  });

  it('uses each system\'s own entries, plus win32 ones where Wine runs them', () => {
    expect(on('win32')('C:\\x\\game\\bin\\linuxsteamrt64\\cs2')).toBeNull();
    expect(on('linux')('/opt/maconly')).toBeNull();
    expect(on('darwin')('/opt/maconly')).toBe('Mac Only');
    expect(on('darwin')('/Users/u/Games/X/bin/game.exe')).toBe('Game');
    expect(on('linux')('/opt/xbox/game.exe')).toBeNull(); // an unknown system's entry never matches
  });

  it('matches a macOS bundle entry through the program inside the bundle', () => {
    expect(macBundlePath('/applications/game.app/contents/macos/game')).toBe('/applications/game.app');
    expect(macBundlePath('/applications/a.app/contents/frameworks/b.app/contents/macos/b')).toBe('/applications/a.app/contents/frameworks/b.app');
    expect(on('darwin')('/Applications/Game.app/Contents/MacOS/GameBinary')).toBe('Game');
    expect(on('darwin')('/Applications/Game.app/Contents/Resources/helper')).toBeNull();
  });

  it('recognises programs the user registered by hand first, by their whole path, under the stored spelling', () => {
    const registered = [{ name: 'My Emulator', executable: '/opt/Emu/emu' }, { name: 'My CS', executable: 'D:\\CS2\\game\\bin\\win64\\cs2.exe' }];
    const matcher = new GameMatcher(LIST, 'win32', registered);
    expect(matcher.match([normalizeExecutablePath('D:\\CS2\\game\\bin\\win64\\cs2.exe')])).toEqual({ applicationId: null, name: 'My CS', id: 'D:\\CS2\\game\\bin\\win64\\cs2.exe' });
    expect(new GameMatcher(LIST, 'linux', registered).match(['/opt/emu/emu'])?.name).toBe('My Emulator');
    expect(new GameMatcher(LIST, 'linux', registered).match(['/other/emu'])).toBeNull();
  });
});

describe('Linux candidate paths', () => {
  const facts = (argv: string[], exe: string | null, cwd: string | null = null) => ({ argv, exe, cwd: () => cwd });

  it('reads Wine\'s Z:\\ argv[0] as the Unix path and other drives as drive paths', () => {
    expect(unixPathFromWine('Z:\\home\\u\\Games\\X\\Game.exe')).toBe('/home/u/Games/X/Game.exe');
    expect(unixPathFromWine('C:\\Program Files\\X\\x.exe')).toBe('C:/Program Files/X/x.exe');
    expect(unixPathFromWine('\\\\?\\Z:\\opt\\g.exe')).toBe('/opt/g.exe');
    expect(linuxCandidatePaths(facts(['Z:\\home\\u\\Games\\X\\bin\\Game.exe'], '/usr/bin/wine64-preloader'))).toEqual(['/home/u/games/x/bin/game.exe', '/usr/bin/wine64-preloader']);
    expect(on('linux')(...linuxCandidatePaths(facts(['Z:\\home\\u\\Games\\X\\bin\\Game.exe'], '/usr/bin/wine64-preloader')))).toBe('Game');
  });

  it('resolves Proton\'s relative argv[0] against the working directory', () => {
    const cwd = '/home/u/.steam/steam/steamapps/common/Counter-Strike Global Offensive';
    const paths = linuxCandidatePaths(facts(['game\\bin\\win64\\cs2.exe', '-steam'], '/home/u/.steam/steam/steamapps/common/Proton 9.0/files/bin/wine64-preloader', cwd));
    expect(paths[0]).toBe('/home/u/.steam/steam/steamapps/common/counter-strike global offensive/game/bin/win64/cs2.exe');
    expect(on('linux')(...paths)).toBe('Counter-Strike 2');
  });

  it('does not read the working directory for absolute paths', () => {
    let reads = 0;
    linuxCandidatePaths({ argv: ['/usr/bin/bash'], exe: '/usr/bin/bash', cwd: () => (reads++, '/tmp') });
    expect(reads).toBe(0);
  });

  it('takes the game a Wine loader was given as argv[1]', () => {
    expect(on('linux')(...linuxCandidatePaths(facts(['/usr/bin/wine', 'C:\\Games\\Shooter\\shooter.exe'], '/usr/bin/wine')))).toBe('Shooter');
    expect(on('linux')(...linuxCandidatePaths(facts(['/usr/bin/env', 'C:\\Games\\Shooter\\shooter.exe'], '/usr/bin/env')))).toBeNull();
  });

  it('matches Flatpak Steam games by the host path and by the sandbox path', () => {
    const host = '/home/u/.var/app/com.valvesoftware.Steam/.local/share/Steam/steamapps/common/Counter-Strike Global Offensive/game/bin/linuxsteamrt64/cs2';
    const paths = linuxCandidatePaths(facts([host], null));
    expect(paths).toContain('/home/u/.local/share/steam/steamapps/common/counter-strike global offensive/game/bin/linuxsteamrt64/cs2');
    expect(on('linux')(...paths)).toBe('Counter-Strike 2');
    const registered = new GameMatcher([], 'linux', [{ name: 'Modded', executable: '/home/u/.local/share/Steam/steamapps/common/M/m.x86_64' }]);
    expect(registered.match(linuxCandidatePaths(facts(['/home/u/.var/app/com.valvesoftware.Steam/.local/share/Steam/steamapps/common/M/m.x86_64'], null)))?.name).toBe('Modded');
  });

  it('drops the " (deleted)" mark of an executable replaced on disk', () => {
    expect(linuxCandidatePaths(facts(['./g'], '/opt/g (deleted)', '/opt'))).toEqual(['/opt/g']);
  });
});
