import Launcher
import Testing

@Suite("FailoverTimeline")
struct FailoverTimelineTests {
    static let killedAt = FailoverTimeline.epochMilliseconds("2026-11-25T02:00:00.000Z")!

    static let lines = [
        "2026-11-25T01:59:59.000Z crmd[node1] notice: view installed view=3.1 members=node1,node2,node3 quorate=yes",
        "2026-11-25T02:00:00.600Z crmd[node2] notice: view installed view=4.1 members=node1,node2 quorate=yes",
        "2026-11-25T02:00:00.550Z crmd[node1] notice: view installed view=4.1 members=node1,node2 quorate=yes",
        "2026-11-25T02:00:00.570Z crmd[node1] notice: dc elected dc=node1 view=4.1",
        "2026-11-25T02:00:00.640Z crmd[node1] notice: transition started id=7 actions=5",
        "2026-11-25T02:00:00.641Z crmd[node1] notice: fencing requested target=node3 executor=node2 transition=7",
        "2026-11-25T02:00:00.700Z crmd[node2] notice: fencing succeeded target=node3 rc=0 status=done",
        "2026-11-25T02:00:00.710Z crmd[node1] notice: action dispatched op=a_start_0 node=node2 transition=7",
        "2026-11-25T02:00:00.750Z crmd[node2] notice: action finished op=a_start_0 node=node2 rc=0 status=done transition=7",
        "2026-11-25T02:00:00.751Z crmd[node1] notice: action dispatched op=b_start_0 node=node2 transition=7",
        "2026-11-25T02:00:00.800Z crmd[node2] notice: action finished op=b_start_0 node=node2 rc=0 status=done transition=7",
        "2026-11-25T02:00:00.810Z crmd[node1] notice: transition finished id=7 outcome=\"complete\"",
        "not a log line",
    ]

    @Test func splitsTheFailoverIntoPhases() throws {
        let timeline = try FailoverTimeline.build(
            lines: Self.lines, killedAt: Self.killedAt, killedNode: "node3", resources: ["a", "b"])
        #expect(
            timeline
                == FailoverTimeline(
                    detection: 550, agreement: 20, scheduling: 70, fencing: 59, starting: 90, total: 800, newNode: "node2"))
    }

    @Test func missingStartIsReportedByName() {
        #expect(throws: FailoverTimeline.Missing.event("action finished op=<resource>_start_0 rc=0 (for every resource)")) {
            try FailoverTimeline.build(lines: Self.lines, killedAt: Self.killedAt, killedNode: "node3", resources: ["a", "c"])
        }
    }

    @Test func linesBeforeTheKillDoNotCount() {
        #expect(throws: FailoverTimeline.Missing.event("view installed")) {
            try FailoverTimeline.build(
                lines: Array(Self.lines.prefix(1)), killedAt: Self.killedAt, killedNode: "node3", resources: ["a"])
        }
    }

    @Test func parsesTimestampsAndFields() throws {
        #expect(FailoverTimeline.epochMilliseconds("1970-01-01T00:00:01.234Z") == 1234)
        #expect(FailoverTimeline.epochMilliseconds("2000-03-01T00:00:00.000Z") == 951_868_800_000)
        #expect(FailoverTimeline.epochMilliseconds("2000-03-01 00:00:00.000Z") == nil)
        let line = try #require(FailoverTimeline.parse(Self.lines[11]))
        #expect(line.event == "transition finished")
        #expect(line.fields == ["id": "7", "outcome": "complete"])
        #expect(line.node == "node1")
    }
}
