import TedgeLua
import Testing

@Suite struct LuaStateTests {
    @Test func runsAChunkAndCallsAGlobalFunctionWithValuesBothWays() throws {
        let lua = try LuaState()
        try lua.run("function add(a, b) return a + b, tostring(a) .. b end", chunkName: "=test")
        let add = try #require(lua.functionReference(global: "add"))
        #expect(try lua.call(add, [.integer(2), .integer(3)]) == [.integer(5), .text("23")])
        #expect(try lua.call(add, [.number(0.5), .integer(1)]) == [.number(1.5), .text("0.51")])
        #expect(lua.functionReference(global: "missing") == nil)
    }

    @Test func tablesCrossInBothDirections() throws {
        let lua = try LuaState()
        try lua.run(
            """
            function reshape(message)
                return { topic = message.topic .. "/out", list = { message.mqtt.qos, message.mqtt.retain } }
            end
            """, chunkName: "=test")
        let reshape = try #require(lua.functionReference(global: "reshape"))
        let input = LuaValue.record([
            ("topic", .text("a/b")), ("mqtt", .record([("qos", .integer(1)), ("retain", .boolean(false))])),
        ])
        let output = try #require(try lua.call(reshape, [input]).first)
        #expect(output["topic"] == .text("a/b/out"))
        guard case .table(let list)? = output["list"] else {
            Issue.record("no list in \(output)")
            return
        }
        #expect(list.count == 2 && list.allSatisfy { $0.key == .integer(1) || $0.key == .integer(2) })
        #expect(list.first { $0.key == .integer(2) }?.value == .boolean(false))
    }

    @Test func errorsCarryLuasMessageAndPosition() throws {
        let lua = try LuaState()
        #expect(throws: LuaError.runtime("script.lua:2: boom")) {
            try lua.run("local x = 1\nerror('boom')", chunkName: "@script.lua")
        }
        let error = #expect(throws: LuaError.self) { try lua.run("function (", chunkName: "=broken") }
        guard case .syntax(let message)? = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("broken:1:"))
        #expect(throws: LuaError.runtime("(error object is a table value)")) { try lua.run("error({})", chunkName: "=t") }
    }

    @Test(arguments: ["io", "os", "package", "require", "debug", "dofile", "loadfile", "collectgarbage", "print"])
    func sandboxLeavesOut(name: String) throws {
        let lua = try LuaState()
        #expect(lua.global(name) == .nil)
        #expect(throws: LuaError.self) { try lua.run("\(name).x()", chunkName: "=t") }
    }

    @Test func sandboxKeepsTheSafeLibrariesAndRefusesBytecodeAndFinalizers() throws {
        let lua = try LuaState()
        #expect(
            try lua.run("return string.upper('a'), table.concat({1, 2}, ','), math.max(1, 3), utf8.char(72)", chunkName: "=t")
                == [.text("A"), .text("1,2"), .integer(3), .text("H")])
        #expect(try lua.run("return load('return 1 + 1')()", chunkName: "=t") == [.integer(2)])
        #expect(try lua.run("return string.dump", chunkName: "=t") == [.nil])
        let binary = try lua.run("return load('\\27Lua')", chunkName: "=t")
        #expect(binary.first == .nil)
        #expect(binary.last?.textValue?.contains("binary chunk") == true)
        #expect(throws: LuaError.runtime("t:1: __gc metamethods are not available")) {
            try lua.run("setmetatable({}, { __gc = function() end })", chunkName: "=t")
        }
        #expect(
            try lua.run("return getmetatable(setmetatable({}, { __index = {} })) ~= nil", chunkName: "=t") == [.boolean(true)])
    }

    @Test func anEndlessLoopIsStoppedAndTheStateStillWorks() throws {
        let lua = try LuaState(limits: LuaLimits(instructions: 100_000))
        #expect(throws: LuaError.instructionLimit(100_000)) { try lua.run("while true do end", chunkName: "=loop") }
        // Catching the limit's error does not help: the next instruction fails again.
        #expect(throws: LuaError.instructionLimit(100_000)) {
            try lua.run("while true do pcall(function() while true do end end) end", chunkName: "=loop")
        }
        #expect(throws: LuaError.instructionLimit(100_000)) {
            try lua.run("return pcall(function() while true do end end)", chunkName: "=loop")
        }
        #expect(try lua.run("local n = 0 for i = 1, 1000 do n = n + i end return n", chunkName: "=ok") == [.integer(500_500)])
    }

    @Test func unboundedAllocationIsStoppedAndTheStateStillWorks() throws {
        let lua = try LuaState(limits: LuaLimits(memory: 1_000_000))
        #expect(throws: LuaError.memoryLimit(1_000_000)) {
            try lua.run("local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 100) .. i end", chunkName: "=hog")
        }
        #expect(throws: LuaError.memoryLimit(1_000_000)) { try lua.run("return string.rep('x', 1e8)", chunkName: "=hog") }
        #expect(lua.memoryInUse <= 1_000_000)
        #expect(try lua.run("return #string.rep('x', 1000)", chunkName: "=ok") == [.integer(1000)])
    }

    @Test func swiftFunctionsAreCallableAndTheirErrorsAreLuaErrors() throws {
        let lua = try LuaState()
        let double = lua.makeFunction { arguments throws(LuaCallbackError) in
            guard case .integer(let n)? = arguments.first else { throw LuaCallbackError("expected an integer") }
            return [.integer(n * 2)]
        }
        try lua.setGlobal("double", double)
        #expect(try lua.run("return double(21)", chunkName: "=t") == [.integer(42)])
        #expect(try lua.run("return pcall(double, 'x')", chunkName: "=t") == [.boolean(false), .text("expected an integer")])
        #expect(throws: LuaError.runtime("expected an integer")) { try lua.run("double({})", chunkName: "=t") }
    }

    @Test func referencesAndSentinelsKeepTheirIdentity() throws {
        let lua = try LuaState()
        let shared = try lua.makeReference(.record([("n", .integer(0))]))
        try lua.run("function bump(t) t.n = t.n + 1 return t.n end", chunkName: "=t")
        let bump = try #require(lua.functionReference(global: "bump"))
        #expect(try lua.call(bump, [.reference(shared)]) == [.integer(1)])
        #expect(try lua.call(bump, [.reference(shared)]) == [.integer(2)])
        try lua.setGlobal("null", .lightUserdata(0))
        #expect(try lua.run("return null, null == null", chunkName: "=t") == [.lightUserdata(0), .boolean(true)])
    }

    @Test func aTableThatHoldsItselfCannotCrossIntoSwift() throws {
        let lua = try LuaState()
        let error = #expect(throws: LuaError.self) { try lua.run("local t = {} t.t = t return t", chunkName: "=t") }
        guard case .conversion? = error else {
            Issue.record("expected a conversion error, got \(String(describing: error))")
            return
        }
    }
}
