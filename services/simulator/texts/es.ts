import type { Phrasebook } from './types.ts';

export const es: Phrasebook = {
  customer: {
    question: [
      '¡Hola! ¿El {product} es compatible con Android?',
      '¿A qué hora cierra la tienda de {city} hoy?',
      '¿Cómo activo la garantía del {product}?',
    ],
    technical_issue: [
      'La app de {brand} se cierra sola cada vez que abro el carrito',
      'Mi {product} no enciende después de la actualización 😩',
      'No puedo iniciar sesión desde ayer, sale "error 500"',
    ],
    order: [
      'Pedido {order} sin llegar después de {days} días, ¿dónde está?',
      'Me cobraron dos veces el pedido {order}!!',
      'Devolví el producto hace {days} días y el reembolso no llega',
    ],
    pre_purchase: [
      'Estoy pensando en comprar el {product}, ¿cuánto dura la batería?',
      '¿Se puede pagar a plazos el {product}?',
      '¿Hay versión negra del {product}?',
    ],
    complaint: [
      'Atención al cliente pésima. {days} días esperando respuesta. Vergüenza',
      'Nunca más compro en {brand}',
      'Mi {product} se rompió a las dos semanas. Dinero tirado 😡',
    ],
    praise: [
      'El {product} es una pasada, me encanta ❤️',
      '¡Gracias {brand}! Entrega rapidísima',
      'Atención de 10, me lo solucionaron en 5 minutos 👍',
    ],
    spam: ['Gana 500€ al día desde casa!!! Escríbeme 💰', 'SIGUE a @{handle} para seguidores gratis 🔥'],
    abuse: ['Sois unos ladrones y estafadores', 'Inútiles, ¿quién os contrató??'],
    other: ['¿Quién va al concierto de {brand} en {city}? 🎶', '¡Qué buen anuncio!'],
  },
  nudge: ['??', '¿Hola?', 'Sigo sin respuesta...', 'Sigo esperando 🙄'],
  thanks: ['¡Muchas gracias, solucionado!', 'Perfecto, gracias 🙏', 'Todo bien ya, gracias'],
  unhappy: ['No me habéis ayudado nada', 'Respuesta copiada y pegada, gracias por nada'],
  followUp: ['¿Y cuánto falta?', 'Vale, ¿y el reembolso?', 'Hecho, ¿y ahora?'],
  reopen: ['Perdón pero el problema ha vuelto', 'Otra vez el mismo error 😤'],
  editTail: [' (EDIT: perdón las faltas)', ' EDIT: pedido {order}'],
  crisis: {
    outage: [
      '¿La app de {brand} caída otra vez?? #{brand}down',
      'No funciona nada desde esta mañana, {brand} ¿qué pasa?',
    ],
    delivery_delays: ['Pedidos parados una semana, {brand} qué vergüenza', 'Retrasos para todos y nadie avisa'],
    price_increase: ['¿Subida del 20% sin avisar? Me doy de baja', 'Adiós {brand}, demasiado caro'],
    data_breach: [
      'Me llegan correos de phishing con mi pedido, ¿habéis perdido nuestros datos??',
      'Filtración de datos y ni un comunicado. Vergüenza',
    ],
    bad_campaign: ['Este anuncio es ofensivo, retiradlo', '¿Quién aprobó este anuncio? Vergonzoso'],
  },
  brand: {
    reply: {
      question: ['¡Hola! Sí, es compatible 🙂', 'Hola, te hemos escrito por privado con toda la info.'],
      technical_issue: [
        'Hola, ¡lo sentimos! Reinicia la app y escríbenos por privado.',
        'Hola, lo estamos revisando. ¿Nos pasas la versión de la app?',
      ],
      order: [
        'Hola, perdona el retraso. ¿Nos escribes por privado el número de pedido?',
        'Hola, tu paquete se entrega mañana.',
      ],
      pre_purchase: ['¡Hola! La batería dura unos dos días 🔋', 'Hola, sí: 3 plazos sin intereses.'],
      complaint: [
        'Sentimos mucho la experiencia. ¿Nos escribes por privado?',
        'Hola, entendemos tu enfado. Te contactamos ahora.',
      ],
      praise: ['¡Muchas gracias! ❤️', '¡Qué alegría leerlo! 😊'],
      other: ['¡Gracias por comentar! 😊'],
    },
    crisis: [
      'Hola, conocemos el problema y estamos trabajando en ello.',
      'Perdón por las molestias: el equipo técnico está en ello.',
    ],
    followUp: ['Hola, faltan 2-3 días laborables.', 'Sí, basta con el correo de confirmación.'],
    escalated: ['Hola, soy del equipo especialista: llevamos tu caso.'],
    bot: ['¡Gracias por escribirnos! Un agente te responderá pronto.'],
  },
  slang: ['jaja', 'tío', 'xd', 'flipante', 'en plan'],
};
