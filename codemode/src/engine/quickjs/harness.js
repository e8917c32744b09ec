(function (hostCall, hostLog, hostSetTimer, hostClearTimer, hostAttach, registeredPaths) {
  "use strict";
  // Everything the harness relies on is captured before user code runs, so a program
  // that overwrites a built-in cannot redirect the harness.
  const Obj = Object;
  const Err = Error;
  const TypeErr = TypeError;
  const RangeErr = RangeError;
  const ProxyCtor = Proxy;
  const WeakMapCtor = WeakMap;
  const apply = Reflect.apply;
  const create = Obj.create;
  const defineProperty = Obj.defineProperty;
  const getPrototypeOf = Obj.getPrototypeOf;
  const preventExtensions = Obj.preventExtensions;
  const setPrototypeOf = Obj.setPrototypeOf;
  const isArray = Array.isArray;
  const objectProto = Obj.prototype;
  const hasOwn = objectProto.hasOwnProperty;
  const weakGet = WeakMapCtor.prototype.get;
  const weakSet = WeakMapCtor.prototype.set;

  class ToolError extends Err {}
  defineProperty(ToolError.prototype, "name", { __proto__: null, value: "ToolError" });
  class UnknownToolError extends Err {}
  defineProperty(UnknownToolError.prototype, "name", { __proto__: null, value: "UnknownToolError" });

  const timers = create(null);
  const nodes = create(null);
  let sealed = false;
  // The errors this harness made for failed calls, with their status: only these are
  // tool errors, whatever another error calls itself. Made on the first failed call.
  let made = null;

  function describe(value) {
    if (value === null) return "null";
    if (isArray(value)) return "an array";
    const type = typeof value;
    if (type === "object") return "an instance of a class (pass a plain object literal)";
    if (type === "string") return "a string";
    if (type === "number") return "a number";
    return "a " + type;
  }

  function call(path, argList) {
    if (path === "") {
      throw new TypeErr("codemode is a namespace, not a function: call a host function, e.g. codemode.name({ ... })");
    }
    if (argList.length > 1) {
      throw new TypeErr("codemode." + path + " takes one object of keyword arguments, e.g. codemode." + path + "({ ... }); got " + argList.length + " arguments");
    }
    let args = argList[0];
    if (args === undefined) {
      args = {};
    } else if (args === null || typeof args !== "object" || isArray(args)) {
      throw new TypeErr("codemode." + path + " expects a plain object of keyword arguments, e.g. codemode." + path + "({ ... }); got " + describe(args));
    } else {
      const proto = getPrototypeOf(args);
      if (proto !== objectProto && proto !== null) {
        throw new TypeErr("codemode." + path + " expects a plain object of keyword arguments, e.g. codemode." + path + "({ ... }); got " + describe(args));
      }
    }
    return hostCall(path, args);
  }

  function childPath(path, key) {
    return path === "" ? key : path + "." + key;
  }

  // Every name under `codemode` is a node: a function that calls the host function of
  // its path. Nodes of registered paths hold their children as own properties, so the
  // common lookups are plain property reads; any other name reaches the node's
  // prototype, a proxy that makes a node for it. Nodes have no `name` or `length` of
  // their own, so those are names of host functions too. `then` and `toJSON` are not:
  // `await` and `JSON.stringify` look them up, and registration refuses them.
  const lookups = {
    __proto__: null,
    get(target, key) {
      if (typeof key !== "string" || key === "then" || key === "toJSON") return undefined;
      return node(childPath(target.path, key));
    },
    set() {
      return false;
    },
  };

  function node(path) {
    const cached = nodes[path];
    if (cached !== undefined) return cached;
    const made = (...argList) => call(path, argList);
    delete made.name;
    delete made.length;
    setPrototypeOf(made, new ProxyCtor({ __proto__: null, path }, lookups));
    if (sealed) preventExtensions(made);
    nodes[path] = made;
    return made;
  }

  function registered(paths) {
    const made = [node("")];
    for (let i = 0; i < paths.length; i++) {
      const parts = paths[i].split(".");
      let parent = made[0];
      let path = "";
      for (let j = 0; j < parts.length; j++) {
        const key = parts[j];
        path = childPath(path, key);
        const child = node(path);
        if (!apply(hasOwn, parent, [key])) {
          defineProperty(parent, key, { __proto__: null, value: child, enumerable: true });
          made.push(child);
        }
        parent = child;
      }
    }
    for (let i = 0; i < made.length; i++) preventExtensions(made[i]);
    sealed = true;
    return made[0];
  }

  function getter(prototype, key) {
    return Obj.getOwnPropertyDescriptor(prototype, key).get;
  }

  // The built-in getters the host reads a typed array's or a DataView's bytes with,
  // captured before user code runs: a program's own `length` or `byteLength` cannot
  // change what is read.
  const typedArrayProto = getPrototypeOf(Uint8Array.prototype);
  const dataViewProto = DataView.prototype;
  const viewGetters = {
    __proto__: null,
    typedBuffer: getter(typedArrayProto, "buffer"),
    typedOffset: getter(typedArrayProto, "byteOffset"),
    typedLength: getter(typedArrayProto, "byteLength"),
    viewBuffer: getter(dataViewProto, "buffer"),
    viewOffset: getter(dataViewProto, "byteOffset"),
    viewLength: getter(dataViewProto, "byteLength"),
  };

  // The built-in functions the console's renderer reads maps, sets, dates, regular
  // expressions, boxed primitives and error stacks with, captured before user code runs.
  const regexpProto = RegExp.prototype;
  const inspectTools = {
    __proto__: null,
    mapSize: getter(Map.prototype, "size"),
    mapEntries: Map.prototype.entries,
    mapIteratorNext: getPrototypeOf(new Map().entries()).next,
    setSize: getter(Set.prototype, "size"),
    setValues: Set.prototype.values,
    setIteratorNext: getPrototypeOf(new Set().values()).next,
    dateToISOString: Date.prototype.toISOString,
    regexpSource: getter(regexpProto, "source"),
    regexpFlags: {
      __proto__: null,
      d: getter(regexpProto, "hasIndices"),
      g: getter(regexpProto, "global"),
      i: getter(regexpProto, "ignoreCase"),
      m: getter(regexpProto, "multiline"),
      s: getter(regexpProto, "dotAll"),
      u: getter(regexpProto, "unicode"),
      v: getter(regexpProto, "unicodeSets"),
      y: getter(regexpProto, "sticky"),
    },
    errorStack: getter(Err.prototype, "stack"),
    stringSlice: String.prototype.slice,
    numberValueOf: Number.prototype.valueOf,
    stringValueOf: String.prototype.valueOf,
    booleanValueOf: Boolean.prototype.valueOf,
    bigIntValueOf: BigInt.prototype.valueOf,
    symbolValueOf: Symbol.prototype.valueOf,
  };

  function logger(level) {
    return function (...values) {
      hostLog(level, values, inspectTools);
    };
  }

  const log = logger(0);
  const console = {
    log,
    info: log,
    debug: logger(3),
    trace: log,
    dir: log,
    warn: logger(1),
    error: logger(2),
  };

  function setTimeout(callback, delay, ...args) {
    if (typeof callback !== "function") {
      throw new TypeErr("setTimeout expects a function as its first argument; got " + describe(callback));
    }
    let ms = +delay;
    if (!(ms > 0)) ms = 0;
    const id = hostSetTimer(ms);
    timers[id] = [callback, args];
    return id;
  }

  // Adds bytes to the answer as an attachment; the host checks both arguments and
  // refuses, with a message, attachments past the result limit.
  function attach(data, mimeType) {
    const refused = hostAttach(data, mimeType);
    if (refused !== undefined) throw failure(3, refused, undefined);
  }

  // Makes the error of a failed call (status 1 = tool error, 2 = unknown tool) or of
  // attachments past the result limit (3), remembered so that `origin` knows it.
  function failure(status, message, path) {
    let error;
    if (status === 3) {
      error = new RangeErr(message);
    } else {
      error = status === 1 ? new ToolError(message) : new UnknownToolError(message);
      defineProperty(error, "tool", { __proto__: null, value: path });
    }
    if (made === null) made = new WeakMapCtor();
    apply(weakSet, made, [error, status]);
    return error;
  }

  function clearTimeout(id) {
    if (typeof id === "number" && timers[id] !== undefined) {
      delete timers[id];
      hostClearTimer(id);
    }
  }

  const global = globalThis;
  defineProperty(global, "codemode", { __proto__: null, value: registered(registeredPaths), enumerable: false, writable: false, configurable: false });
  defineProperty(global, "console", { __proto__: null, value: console, enumerable: false, writable: true, configurable: true });
  defineProperty(global, "setTimeout", { __proto__: null, value: setTimeout, enumerable: false, writable: true, configurable: true });
  defineProperty(global, "clearTimeout", { __proto__: null, value: clearTimeout, enumerable: false, writable: true, configurable: true });
  defineProperty(global, "attach", { __proto__: null, value: attach, enumerable: false, writable: true, configurable: true });

  return {
    // Makes the error a failed call rejects with: status 1 = tool error, 2 = unknown tool.
    error: failure,
    // The getters the host reads views' bytes with.
    views: viewGetters,
    // The status `error` made a thrown value with, or 0 when it did not make it.
    origin(value) {
      const status = made === null ? undefined : apply(weakGet, made, [value]);
      return status === undefined ? 0 : status;
    },
    // Called by the host when a timer is due.
    fire(id) {
      const entry = timers[id];
      if (entry === undefined) return;
      delete timers[id];
      apply(entry[0], undefined, entry[1]);
    },
    // Runs the wrapped user code; an expression that evaluates to a function is called.
    async run(compiled, isExpression) {
      let result = await compiled();
      if (isExpression && typeof result === "function") result = await result();
      return result;
    },
  };
})
