import Glibc

/// Reads table rows straight from the pages of a database file and its WAL, without SQLite and without
/// the b-tree: what a damaged or truncated file still holds. Every page image is tried (the database
/// file's pages, then each frame of the WAL's current generation), so a row can be found more than once
/// and rows of freed pages are found too: the caller decides which rows are current. Every read is
/// bounds-checked and every overflow chain is bounded, so no input makes it crash or loop.
/// Format: https://www.sqlite.org/fileformat2.html (b-tree pages, cells, records, varints, WAL frames).
public final class SQLiteFileScanner {
    private let database: Int32
    private let wal: Int32
    private let pageSize: Int
    /// Bytes of a page that hold b-tree content (the page size less the reserved bytes at its end).
    private let usableSize: Int
    /// Offsets of the WAL's valid frames' page images, in file order, with their page numbers.
    private var walFrames: [(page: UInt32, offset: Int)] = []
    /// The latest WAL frame of each page, which is the page's current image.
    private var latestFrame: [UInt32: Int] = [:]

    private static let headerMagic = Array("SQLite format 3\0".utf8)
    /// No record of ours comes near this; a larger size read from a damaged cell is garbage.
    private static let payloadLimit = 1 << 30

    /// Either file may be missing or unreadable; then it contributes nothing.
    public init(databasePath: String, walPath: String?) {
        database = open(databasePath, O_RDONLY | O_CLOEXEC)
        wal = walPath.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1
        let header = SQLiteFileScanner.read(database, offset: 0, count: 100)
        let walHeader = SQLiteFileScanner.read(wal, offset: 0, count: 32)
        var size = 4096
        var reserved = 0
        if let header, Array(header[0..<16]) == SQLiteFileScanner.headerMagic {
            let stated = Int(header[16]) << 8 | Int(header[17])
            size = stated == 1 ? 65536 : stated
            reserved = Int(header[20])
        } else if let walHeader, let stated = SQLiteFileScanner.walPageSize(walHeader) {
            size = stated
        }
        if !SQLiteFileScanner.isPageSize(size) || reserved >= size / 2 {
            size = 4096
            reserved = 0
        }
        pageSize = size
        usableSize = size - reserved
        if let walHeader, SQLiteFileScanner.walPageSize(walHeader) == size { indexWAL(salt: Array(walHeader[16..<24])) }
    }

    deinit {
        if database >= 0 { close(database) }
        if wal >= 0 { close(wal) }
    }

    /// Calls `body` for every row of every table-leaf page image, database file first, then the WAL.
    public func forEachRow(_ body: (SQLiteRecoveredRow) -> Void) {
        var status = stat()
        let databaseSize = database >= 0 && fstat(database, &status) == 0 ? Int(status.st_size) : 0
        let fullPages = databaseSize / pageSize
        if fullPages > 0 {
            for number in 1...fullPages {
                if let page = SQLiteFileScanner.read(database, offset: (number - 1) * pageSize, count: pageSize) {
                    rows(in: page, number: UInt32(truncatingIfNeeded: number), body)
                }
            }
        }
        for frame in walFrames {
            if let page = SQLiteFileScanner.read(wal, offset: frame.offset, count: pageSize) {
                rows(in: page, number: frame.page, body)
            }
        }
    }

    // MARK: - Pages and cells

    private func rows(in page: [UInt8], number: UInt32, _ body: (SQLiteRecoveredRow) -> Void) {
        let base = number == 1 ? 100 : 0
        guard page[base] == 0x0D else { return }  // a table b-tree leaf
        let cellCount = Int(page[base + 3]) << 8 | Int(page[base + 4])
        let pointers = base + 8
        guard pointers + 2 * cellCount <= usableSize else { return }
        for index in 0..<cellCount {
            let cell = Int(page[pointers + 2 * index]) << 8 | Int(page[pointers + 2 * index + 1])
            guard cell >= pointers + 2 * cellCount, cell < usableSize else { continue }
            if let row = row(in: page, at: cell) { body(row) }
        }
    }

    private func row(in page: [UInt8], at cell: Int) -> SQLiteRecoveredRow? {
        var cursor = cell
        guard let size = SQLiteFileScanner.varint(page, &cursor, limit: usableSize),
            let rowID = SQLiteFileScanner.varint(page, &cursor, limit: usableSize),
            size >= 0, size <= SQLiteFileScanner.payloadLimit
        else { return nil }
        let payloadSize = Int(size)
        let local = localPayloadSize(payloadSize)
        guard cursor + local <= usableSize else { return nil }
        var payload = Array(page[cursor..<cursor + local])
        if local < payloadSize {
            guard cursor + local + 4 <= usableSize else { return nil }
            guard readOverflow(into: &payload, total: payloadSize, first: SQLiteFileScanner.uint32(page, cursor + local))
            else { return nil }
        }
        guard let values = SQLiteFileScanner.record(payload) else { return nil }
        return SQLiteRecoveredRow(rowID: rowID, values: values)
    }

    /// How much of a payload sits in its cell; the rest is on overflow pages (fileformat2 §1.6).
    private func localPayloadSize(_ payloadSize: Int) -> Int {
        let maxLocal = usableSize - 35
        guard payloadSize > maxLocal else { return payloadSize }
        let minLocal = (usableSize - 12) * 32 / 255 - 23
        let candidate = minLocal + (payloadSize - minLocal) % (usableSize - 4)
        return candidate <= maxLocal ? candidate : minLocal
    }

    private func readOverflow(into payload: inout [UInt8], total: Int, first: UInt32) -> Bool {
        var next = first
        let perPage = usableSize - 4
        // A chain never needs more pages than this; a cycle in a damaged file ends here.
        var pagesLeft = (total - payload.count) / perPage + 1
        while payload.count < total {
            guard next != 0, pagesLeft > 0, let page = page(number: next) else { return false }
            let take = min(total - payload.count, perPage)
            payload.append(contentsOf: page[4..<4 + take])
            next = SQLiteFileScanner.uint32(page, 0)
            pagesLeft -= 1
        }
        return true
    }

    /// A page's current image: its latest WAL frame, else the database file's.
    private func page(number: UInt32) -> [UInt8]? {
        if let offset = latestFrame[number] { return SQLiteFileScanner.read(wal, offset: offset, count: pageSize) }
        return SQLiteFileScanner.read(database, offset: (Int(number) - 1) * pageSize, count: pageSize)
    }

    // MARK: - WAL

    /// Frames whose salt matches the header's belong to the WAL's current generation; older ones were
    /// checkpointed already. Checksums are not verified: a row is only a candidate either way.
    private func indexWAL(salt: [UInt8]) {
        var status = stat()
        guard fstat(wal, &status) == 0 else { return }
        let frameSize = 24 + pageSize
        var offset = 32
        while offset + frameSize <= Int(status.st_size) {
            guard let header = SQLiteFileScanner.read(wal, offset: offset, count: 24) else { break }
            let number = SQLiteFileScanner.uint32(header, 0)
            if number != 0, Array(header[8..<16]) == salt {
                walFrames.append((number, offset + 24))
                latestFrame[number] = offset + 24
            }
            offset += frameSize
        }
    }

    private static func walPageSize(_ header: [UInt8]) -> Int? {
        let magic = uint32(header, 0)
        guard magic == 0x377f_0682 || magic == 0x377f_0683 else { return nil }
        let size = Int(uint32(header, 8))
        return isPageSize(size) ? size : nil
    }

    private static func isPageSize(_ size: Int) -> Bool { size >= 512 && size <= 65536 && size & (size - 1) == 0 }

    // MARK: - Records

    /// A record: a header of serial types, then the values (fileformat2 §2.1).
    static func record(_ payload: [UInt8]) -> [SQLiteValue]? {
        var cursor = 0
        guard let declared = varint(payload, &cursor, limit: payload.count), declared >= cursor,
            declared <= payload.count
        else { return nil }
        let headerSize = Int(declared)
        var types: [Int64] = []
        while cursor < headerSize {
            guard let type = varint(payload, &cursor, limit: headerSize) else { return nil }
            types.append(type)
        }
        var body = headerSize
        var values: [SQLiteValue] = []
        values.reserveCapacity(types.count)
        for type in types {
            switch type {
            case 0: values.append(.null)
            case 1...6:
                let width = [1, 2, 3, 4, 6, 8][Int(type) - 1]
                guard body + width <= payload.count else { return nil }
                var value = Int64(Int8(bitPattern: payload[body]))  // sign from the first byte
                for byte in payload[(body + 1)..<(body + width)] { value = value << 8 | Int64(byte) }
                values.append(.integer(value))
                body += width
            case 7:
                guard body + 8 <= payload.count else { return nil }
                var bits: UInt64 = 0
                for byte in payload[body..<(body + 8)] { bits = bits << 8 | UInt64(byte) }
                values.append(.real(Double(bitPattern: bits)))
                body += 8
            case 8: values.append(.integer(0))
            case 9: values.append(.integer(1))
            case 12...:
                let length = Int((type - 12) / 2)
                guard length <= payload.count - body else { return nil }
                let bytes = Array(payload[body..<(body + length)])
                values.append(type % 2 == 0 ? .blob(bytes) : .text(String(decoding: bytes, as: UTF8.self)))
                body += length
            default: return nil  // 10 and 11 are reserved; negative is garbage
            }
        }
        return body == payload.count ? values : nil
    }

    /// SQLite's big-endian varint: 7 bits a byte with a continuation bit, the ninth byte whole.
    static func varint(_ bytes: [UInt8], _ cursor: inout Int, limit: Int) -> Int64? {
        var value: UInt64 = 0
        for position in 0..<9 {
            guard cursor < limit, cursor < bytes.count else { return nil }
            let byte = bytes[cursor]
            cursor += 1
            if position == 8 { return Int64(bitPattern: value << 8 | UInt64(byte)) }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 { return Int64(bitPattern: value) }
        }
        return nil
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset + 4 <= bytes.count else { return 0 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Exactly `count` bytes at `offset`, or nil (short file, read error, no file).
    private static func read(_ descriptor: Int32, offset: Int, count: Int) -> [UInt8]? {
        guard descriptor >= 0, offset >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return nil }
            done += result
        }
        return bytes
    }
}
