/// Why the entity store refused a registration, an update or a twin fragment (thin-edge's texts).
public enum EntityStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRegistration(EntityRegistrationError)
    case mainDeviceAlreadyRegistered(EntityTopicID)
    case selfParent(EntityTopicID)
    case serviceParent(parent: EntityTopicID, child: EntityTopicID)
    case descendantParent(parent: EntityTopicID, child: EntityTopicID)
    case unknownParent(EntityTopicID)
    case typeUpdate(EntityTopicID)
    case externalIDUpdate(EntityTopicID)
    case twinUpdate(EntityTopicID)
    case mainDeviceParentUpdate
    case nonDefaultScheme(EntityTopicID)
    case unknownEntity(EntityTopicID)
    case invalidTwinKey(String)

    public var description: String {
        switch self {
        case .invalidRegistration(let error): return error.description
        case .mainDeviceAlreadyRegistered(let main): return "The main device was already registered at topic \(main)"
        case .selfParent(let id): return "Entity: '\(id)' can not be its own parent"
        case .serviceParent(let parent, let child):
            return "Entity: '\(parent)' can not be a parent of '\(child)' because it is a service. Only devices can be parents"
        case .descendantParent(let parent, let child):
            return "Entity: '\(parent)' can not be a parent of '\(child)' because '\(parent)' is a descendent of '\(child)'"
        case .unknownParent(let parent):
            return "The specified parent \(parent.description.debugQuoted) does not exist in the entity store"
        case .typeUpdate(let id): return "Updating the entity type of \(id) is not supported"
        case .externalIDUpdate(let id): return "Updating the external id of \(id) is not supported"
        case .twinUpdate(let id): return "Updating the twin data of \(id) with a registration message is not supported"
        case .mainDeviceParentUpdate: return "Updating the parent of the main device is not supported"
        case .nonDefaultScheme(let id):
            return
                "Auto registration of the entity with topic id \(id) failed as it does not match the default topic scheme: 'device/<device-id>/service/<service-id>'. Try explicit registration instead."
        case .unknownEntity(let id): return "The specified entity: \(id) does not exist in the entity store"
        case .invalidTwinKey(let key): return EntityRegistrationError.invalidTwinKey(key).description
        }
    }
}
