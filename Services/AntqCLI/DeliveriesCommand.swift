import ArgumentParser
import Models

struct DeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List notification's deliveries to its channels (dead letters by default), or retry the dead ones.")

    @Option(help: "One channel (all when absent).") var channel: String?
    @Option(help: "pending, delivered or dead.") var state = "dead"
    @Flag(help: "Put the dead letters (of --channel, or --key) back in the queue.") var retry = false
    @Option(help: "Only this notice (repeat for several).") var key: [String] = []
    @Option(help: "Notification's query endpoint.") var notification = "tcp://127.0.0.1:7201"
    @Flag(help: "Print the JSON answer.") var json = false
    @OptionGroup var client: ClientOptions

    func run() throws {
        let request = DeliveriesRequest(
            channel: channel, state: state, retry: retry ? true : nil, keys: key.isEmpty ? nil : key)
        guard
            let list = try client.ask(
                notification, .deliveries, JSONCoding.encode(request), json: json, as: DeliveriesList.self)
        else { return }
        if retry { print("Đã đưa lại \(list.retried) thông báo vào hàng gửi.") }
        if list.deliveries.isEmpty { print("Không có thông báo nào ở trạng thái \(state).") }
        for delivery in list.deliveries {
            let error = delivery.lastError.map { ", lỗi gần nhất: \($0)" } ?? ""
            print(
                "[\(delivery.channel)] \(delivery.noticeKey): \(delivery.state), \(delivery.attempts) lần gửi\(error)")
        }
    }
}
