import TedgeRuntime
import TedgeSystem
import Testing

extension MapperHealth {
    /// The mapper said `up`: it has subscribed, so what is published next is mapped (no sleep needed).
    /// 30 s is a hang guard, not a duration: the whole suite shares two cores with the mappers it starts.
    func expectUp(port: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        let up = await waitUntilUp(port: port, timeout: .seconds(30))
        #expect(up, "\(serviceName) never reported up on \(topic)", sourceLocation: sourceLocation)
    }
}
