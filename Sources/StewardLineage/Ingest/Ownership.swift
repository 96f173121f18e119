import StewardCore
import StewardStore

/// Who owns a dataset: the domain of the registered product that declares it, else the domain
/// that claimed its whole namespace, else nobody (anyone may write it until it is claimed).
public struct Ownership: Sendable {
    private var products: [DatasetRef: ProductID] = [:]
    private var namespaces: [String: DomainName] = [:]

    public init(products descriptors: [ProductDescriptor], namespaces: [NamespaceClaim]) {
        for p in descriptors { for d in p.datasets { products[DatasetRef(namespace: d.namespace, name: d.name)] = p.id } }
        for c in namespaces { self.namespaces[c.namespace] = c.domain }
    }

    public func product(of dataset: DatasetRef) -> ProductID? { products[dataset] }

    public func owner(of dataset: DatasetRef) -> DomainName? { products[dataset]?.domain ?? namespaces[dataset.namespace] }

    /// Both answers with one lookup of the dataset (graph answers ask for thousands).
    public func productAndOwner(of dataset: DatasetRef) -> (product: ProductID?, owner: DomainName?) {
        if let p = products[dataset] { return (p, p.domain) }
        return (nil, namespaces[dataset.namespace])
    }

    /// The first written dataset `domain` may not write (nil: all allowed). Admin tokens pass nil.
    public func refusal(_ event: LineageEvent, writer domain: DomainName?) -> LineageError? {
        guard let domain else { return nil }
        for d in event.written {
            if let owner = owner(of: d), owner != domain { return .foreignDataset(dataset: d.description, owner: owner.rawValue) }
        }
        return nil
    }
}
