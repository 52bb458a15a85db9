import NIOCore

/// Sets up and registers each accepted connection itself, ahead of `ServerBootstrap`'s accept handler (which then
/// sees nothing). The bootstrap's path chains about 20 future and closure objects per connection and always
/// registers through a task on the child's event loop; here a connection accepted on the loop that serves it is
/// set up and registered in place, and one on the other loop costs one task.
final class ConnectionAcceptor: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel

    private let setUp: @Sendable (any Channel) throws -> Bool

    /// - Parameter setUp: adds the connection's handlers (synchronously, on its event loop) and returns true, or
    ///   closes the connection and returns false.
    init(setUp: @escaping @Sendable (any Channel) throws -> Bool) {
        self.setUp = setUp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = Self.unwrapInboundIn(data)
        if connection.eventLoop.inEventLoop {
            register(connection)
        } else {
            connection.eventLoop.execute { self.register(connection) }
        }
    }

    private func register(_ connection: any Channel) {
        do {
            guard try setUp(connection) else { return }
        } catch {
            connection.close(promise: nil)
            return
        }
        // The socket is connected already: register it with the selector and make it active (reading starts).
        connection._channelCore.registerAlreadyConfigured0(promise: nil)
    }
}
