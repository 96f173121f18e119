extension FunctionLibrary {
    /// timestamp(), duration() and the accessors (getFullYear, getHours, ...), with time zones.
    static let time: FunctionLibrary = {
        var lib = FunctionLibrary()
        lib.register("timestamp") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("timestamp", args) }
            switch args[0] {
            case .timestamp: return args[0]
            case .string(let s): return .timestamp(try CELTimestamp(parsing: s))
            case .int(let i): return .timestamp(try CELTimestamp(seconds: i))
            default: throw noOverload("timestamp", args)
            }
        }
        lib.register("duration") { args throws(CELError) in
            guard args.count == 1 else { throw noOverload("duration", args) }
            switch args[0] {
            case .duration: return args[0]
            case .string(let s): return .duration(try CELDuration(parsing: s))
            case .int(let i): return .duration(try CELDuration(seconds: 0, nanos: i))
            default: throw noOverload("duration", args)
            }
        }
        let accessors: [(String, @Sendable (CELTimestamp.Civil, Int32) -> Int64)] = [
            ("getFullYear", { c, _ in c.year }),
            ("getMonth", { c, _ in c.month - 1 }),
            ("getDayOfYear", { c, _ in c.dayOfYear }),
            ("getDayOfMonth", { c, _ in c.day - 1 }),
            ("getDate", { c, _ in c.day }),
            ("getDayOfWeek", { c, _ in c.dayOfWeek }),
            ("getHours", { c, _ in c.hour }),
            ("getMinutes", { c, _ in c.minute }),
            ("getSeconds", { c, _ in c.second }),
            ("getMilliseconds", { _, nanos in Int64(nanos) / 1_000_000 }),
        ]
        let durationAccessors: [String: @Sendable (CELDuration) -> Int64] = [
            "getHours": { $0.seconds / 3600 },
            "getMinutes": { $0.seconds / 60 },
            "getSeconds": { $0.seconds },
            "getMilliseconds": { $0.seconds * 1000 + Int64($0.nanos) / 1_000_000 },
        ]
        for (name, read) in accessors {
            let onDuration = durationAccessors[name]
            lib.register(name) { args throws(CELError) in
                switch (args.count, args.first) {
                case (1, .timestamp(let t)):
                    return .int(read(t.civil(offsetSeconds: 0), t.nanos))
                case (2, .timestamp(let t)):
                    guard case .string(let zone) = args[1] else { throw noOverload(name, args) }
                    return .int(read(t.civil(offsetSeconds: try t.offset(inZone: zone)), t.nanos))
                case (1, .duration(let d)):
                    guard let onDuration else { throw noOverload(name, args) }
                    return .int(onDuration(d))
                default:
                    throw noOverload(name, args)
                }
            }
        }
        return lib
    }()
}
