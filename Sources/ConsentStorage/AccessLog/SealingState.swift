internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// What the writer of an access log keeps beside it (`<log>.seal`, mode 0600) to go on sealing after a restart: the
/// epoch it is in and that epoch's key (the keys before it are gone: forward security), the key references are made
/// with, and the log's state at the last checkpoint — its byte length, size, chain and Merkle frontier — so that
/// opening reads only the lines after it.
///
/// Rewritten atomically (temporary file, `fsync`, rename) after each checkpoint is durable, never before: it may lag
/// the log by one checkpoint after a crash (opening then catches up), never lead it. The verifier reads it too: a log
/// shorter than the state says was truncated.
struct SealingState: Sendable, Equatable {
    var logID: String
    var epoch: UInt64
    var key: [UInt8]
    var referenceKey: [UInt8]
    /// The log file's length, size, chain and frontier as of the checkpoint ending epoch `epoch - 1` (or of the
    /// header, at epoch 0).
    var length: Int
    var chain: LogHash
    var frontier: MerkleFrontier

    static func path(for log: String) -> String { log + ".seal" }

    func encoded() -> [UInt8] {
        let object: JSONObject = [
            "accessLogSeal": .number("1"), "id": .string(logID), "epoch": .number(String(epoch)),
            "key": .string(Base64URL.encode(key)), "references": .string(Base64URL.encode(referenceKey)),
            "length": .number(String(length)), "size": .number(String(frontier.size)),
            "chain": .string(chain.base64URL), "frontier": .array(frontier.nodes.map { .string($0.base64URL) }),
        ]
        return Array((JSONValue.object(object).serialized() + "\n").utf8)
    }

    init(
        logID: String, epoch: UInt64, key: [UInt8], referenceKey: [UInt8], length: Int, chain: LogHash,
        frontier: MerkleFrontier
    ) {
        self.logID = logID
        self.epoch = epoch
        self.key = key
        self.referenceKey = referenceKey
        self.length = length
        self.chain = chain
        self.frontier = frontier
    }

    /// Reads the state file's bytes; `nil` when they are not a state file (named in the error the caller builds).
    init?(bytes: [UInt8]) {
        guard case .object(let object)? = try? JSONParser.parse(bytes),
            case .string(let logID)? = object["id"],
            case .number(let epochText)? = object["epoch"], let epoch = UInt64(epochText),
            case .string(let keyText)? = object["key"], let key = Base64URL.decode(Array(keyText.utf8)),
            key.count >= 32,
            case .string(let referenceText)? = object["references"],
            let referenceKey = Base64URL.decode(Array(referenceText.utf8)), referenceKey.count == 32,
            case .number(let lengthText)? = object["length"], let length = Int(lengthText), length > 0,
            case .number(let sizeText)? = object["size"], let size = UInt64(sizeText),
            case .string(let chainText)? = object["chain"], let chain = LogHash(base64URL: chainText),
            case .array(let nodeValues)? = object["frontier"]
        else { return nil }
        var nodes: [LogHash] = []
        for value in nodeValues {
            guard case .string(let text) = value, let node = LogHash(base64URL: text) else { return nil }
            nodes.append(node)
        }
        guard let frontier = MerkleFrontier(nodes: nodes, size: size) else { return nil }
        self.init(
            logID: logID, epoch: epoch, key: key, referenceKey: referenceKey, length: length, chain: chain,
            frontier: frontier)
    }

    /// Reads `<log>.seal`, or `nil` when there is none; throws for one that cannot be read or is not a state file.
    static func read(log: String) throws(ConsentKitError) -> SealingState? {
        let path = path(for: log)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("cannot read the sealing state `\(path)`", file: path)
        }
        guard let state = SealingState(bytes: Array(data)) else {
            throw ConsentKitError(
                code: .corruptedData, message: "`\(path)` is not an access log's sealing state",
                location: InputLocation(file: path))
        }
        return state
    }

    /// Writes the state atomically and durably, readable by its owner only.
    func write(log: String) throws(ConsentKitError) {
        let path = Self.path(for: log)
        try JournalFile.replace(path, with: encoded(), modeOf: path)
    }
}
