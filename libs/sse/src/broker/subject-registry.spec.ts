import { SubjectRegistry } from './subject-registry.js';

describe('SubjectRegistry', () => {
  it('creates a Subject on first subscription and releases it with the last subscriber', () => {
    const registry = new SubjectRegistry<number>();
    const seen: number[] = [];
    expect(registry.next('k', 0)).toBe(false);

    const a = registry.observe('k').subscribe((v) => seen.push(v));
    const b = registry.observe('k').subscribe((v) => seen.push(v * 10));
    expect(registry.size).toBe(1);
    expect(registry.next('k', 1)).toBe(true);
    a.unsubscribe();
    expect(registry.size).toBe(1);
    b.unsubscribe();

    expect(registry.size).toBe(0);
    expect(registry.next('k', 2)).toBe(false);
    expect(seen).toEqual([1, 10]);
  });

  it('counts the subscribed keys with a prefix and tells its hooks when a key opens and is released', () => {
    const events: string[] = [];
    const registry = new SubjectRegistry<number>({
      opened: (key) => events.push(`+${key}`),
      released: (key) => events.push(`-${key}`),
    });
    const a = registry.observe('t1').subscribe();
    const b = registry.observe('t1').subscribe();
    const c = registry.observe('u1').subscribe();
    expect(registry.countKeys('t')).toBe(1);
    a.unsubscribe();
    expect(events).toEqual(['+t1', '+u1']);
    b.unsubscribe();
    c.unsubscribe();
    expect(events).toEqual(['+t1', '+u1', '-t1', '-u1']);
    expect(registry.countKeys('t')).toBe(0);
  });

  it('hands values to stream receivers and observers alike, and releases the key with the last of either', () => {
    const events: string[] = [];
    const registry = new SubjectRegistry<number>({
      opened: (key) => events.push(`+${key}`),
      released: (key) => events.push(`-${key}`),
    });
    const seen: string[] = [];
    const receiver = (v: number) => seen.push(`stream ${v}`);
    registry.add('u1', receiver);
    const observer = registry
      .observe('u1')
      .subscribe((v) => seen.push(`observer ${v}`));
    expect(registry.next('u1', 1)).toBe(true);
    registry.remove('u1', receiver);
    expect(registry.size).toBe(1);
    registry.next('u1', 2);
    registry.add('u1', receiver);
    observer.unsubscribe();
    registry.next('u1', 3);
    registry.remove('u1', receiver);
    registry.remove('u1', receiver);

    expect(seen).toEqual(['stream 1', 'observer 1', 'observer 2', 'stream 3']);
    expect(events).toEqual(['+u1', '-u1']);
    expect(registry.size).toBe(0);
    expect(registry.next('u1', 4)).toBe(false);
  });

  it('still hands a value to every other stream when one stream throws, and reports it', () => {
    const failures: string[] = [];
    const registry = new SubjectRegistry<number>({
      opened: () => {},
      released: () => {},
      failed: (key, err) => failures.push(`${key}: ${(err as Error).message}`),
    });
    const seen: number[] = [];
    registry.add('t1', () => {
      throw new Error('socket gone');
    });
    registry.add('t1', (v) => seen.push(v));
    registry.next('t1', 7);
    expect(seen).toEqual([7]);
    expect(failures).toEqual(['t1: socket gone']);
  });

  it('does not grow with keys that were used and left', () => {
    const registry = new SubjectRegistry<number>();
    const receive = () => {};
    for (let i = 0; i < 10_000; i++) {
      registry.observe(`user-${i}`).subscribe().unsubscribe();
      registry.add(`topic-${i}`, receive);
      registry.remove(`topic-${i}`, receive);
    }
    expect(registry.size).toBe(0);
  });

  it('completes every subscriber on completeAll', () => {
    const registry = new SubjectRegistry<number>();
    let completed = 0;
    registry.observe('a').subscribe({ complete: () => completed++ });
    registry.observe('b').subscribe({ complete: () => completed++ });
    registry.completeAll();
    expect(completed).toBe(2);
    expect(registry.size).toBe(0);
  });
});
