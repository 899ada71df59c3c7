import Testing
import XML

@testable import CRM

@Suite struct PolicyEngineUnitTests {
    @Test func md5MatchesRFC1321Vectors() {
        #expect(MD5.hexDigest("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hexDigest("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(
            MD5.hexDigest("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func operationDigestMatchesPacemaker() {
        // Recorded by Pacemaker in the corpus (params-0): start of an IPaddr with ip=127.0.0.11.
        #expect(Scheduler.digest(["ip": "127.0.0.11"]) == "fd54394d262d771b8cb48f31f8df7242")
        #expect(
            Scheduler.digest(["ip": "127.0.0.11", "CRM_meta_timeout": "20000"]) == "6d0c707e8887b775eee00abb63b80a67")
    }

    @Test func scoresSaturateAndMinusInfinityWins() {
        #expect(Score.add(Score.infinity, -Score.infinity) == -Score.infinity)
        #expect(Score.add(999_999, 5) == Score.infinity)
        #expect(Score.parse("-INFINITY") == -Score.infinity)
        #expect(Score.parse("+INFINITY") == Score.infinity)
        #expect(Score.parse("1.0") == 1)
        #expect(Score.parse("abc") == nil)
    }

    @Test func datesAndDurationsParse() {
        #expect(CalendarDate.parse("1970-01-02 00:00:00Z") == 86_400)
        #expect(CalendarDate.parse("2019-09-20 15:10:52 +00:00") == CalendarDate.parse("2019-09-20T15:10:52Z"))
        #expect(CalendarDate.parse("2019-09-20T17:10:52+02:00") == CalendarDate.parse("2019-09-20T15:10:52Z"))
        #expect(DurationText.milliseconds("10s") == 10_000)
        #expect(DurationText.milliseconds("2min") == 120_000)
        #expect(DurationText.milliseconds("PT1M30S") == 90_000)
        #expect(DurationText.milliseconds("soon") == nil)
    }

    @Test func dateSpecMatchesWeekdaysAndHours() {
        let spec = DateSpec(ranges: [("weekdays", 1, 5), ("hours", 9, 16)])
        let mondayTen = CalendarDate.parse("2024-01-01T10:00:00Z")!  // a Monday
        let sundayTen = CalendarDate.parse("2024-01-07T10:00:00Z")!
        #expect(spec.matches(mondayTen))
        #expect(!spec.matches(sundayTen))
    }

    @Test func ruleComparesIntegersNumbersAndStrings() {
        func expression(_ op: String, _ value: String, type: String? = nil) -> Rule {
            Rule(
                id: "r", score: 0, scoreAttribute: nil, role: nil, isAnd: true,
                expressions: [.attribute(AttributeExpression(attribute: "a", operation: op, value: value, type: type, valueSource: "literal"))])
        }
        var context = RuleContext(now: 0)
        context.nodeAttributes = ["a": "10"]
        #expect(expression("gt", "9").matches(context))
        #expect(!expression("gt", "9", type: "string").matches(context))
        #expect(expression("lt", "10.5", type: "number").matches(context))
        #expect(expression("eq", "10").matches(context))
    }

    @Test func promotableClonesAreRefusedNamingTheElement() throws {
        let cib = """
            <cib><configuration><crm_config/><nodes/><resources><master id="m1"><primitive id="p" class="ocf" \
            provider="heartbeat" type="Stateful"/></master></resources><constraints/></configuration><status/></cib>
            """
        let document = try XMLDocument.parse(cib)
        do {
            _ = try PolicyEngine.schedule(cib: document.root, now: 0)
            Issue.record("a master element must be refused")
        } catch {
            #expect(error.description.contains("master"))
            #expect(error.description.contains("m1"))
        }
    }

    @Test func scheduleIsDeterministic() throws {
        let cib = """
            <cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="n" \
            name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes><node id="1" uname="a"/>\
            <node id="2" uname="b"/></nodes><resources><primitive id="r1" class="ocf" provider="heartbeat" type="Dummy"/>\
            <primitive id="r2" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/>\
            </configuration><status><node_state id="1" uname="a" in_ccm="true" crmd="online" join="member" \
            expected="member"/><node_state id="2" uname="b" in_ccm="true" crmd="online" join="member" \
            expected="member"/></status></cib>
            """
        let document = try XMLDocument.parse(cib)
        let first = try PolicyEngine.schedule(cib: document.root, now: 0).graph.xml()
        let second = try PolicyEngine.schedule(cib: document.root, now: 0).graph.xml()
        #expect(first == second)
        // Two resources on two empty nodes spread out, each after its probes.
        #expect(first.contains("operation_key=\"r1_start_0\" on_node=\"a\""))
        #expect(first.contains("operation_key=\"r2_start_0\" on_node=\"b\""))
    }
}
